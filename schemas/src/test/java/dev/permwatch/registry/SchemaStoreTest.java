package dev.permwatch.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaStoreTest {

    private static final String SUBJECT = "groups-value";

    private static final Schema V1 = SchemaBuilder.record("Group").fields()
            .requiredString("id")
            .endRecord();
    /** V1 plus a field without default: FORWARD compatible with V1, not BACKWARD. */
    private static final Schema V2_REQUIRED = SchemaBuilder.record("Group").fields()
            .requiredString("id")
            .requiredString("name")
            .endRecord();
    /** V1 plus a field with default: compatible in both directions. */
    private static final Schema V2_DEFAULTED = SchemaBuilder.record("Group").fields()
            .requiredString("id")
            .name("name").type().stringType().stringDefault("")
            .endRecord();
    /** Like V2_DEFAULTED, but id has a default too. */
    private static final Schema V2_ALL_DEFAULTS = SchemaBuilder.record("Group").fields()
            .name("id").type().stringType().stringDefault("")
            .name("name").type().stringType().stringDefault("")
            .endRecord();
    /** Drops id: V2_ALL_DEFAULTS readers can read it, V1 readers cannot (id has no default there). */
    private static final Schema V3_WITHOUT_ID = SchemaBuilder.record("Group").fields()
            .name("name").type().stringType().stringDefault("")
            .name("scopes").type().stringType().stringDefault("")
            .endRecord();

    @Test
    void backwardRejectsFieldWithoutDefault() {
        final SchemaStore store = storeWith(CompatibilityLevel.BACKWARD, V1);

        assertThatThrownBy(() -> store.register(SUBJECT, V2_REQUIRED.toString()))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA))
                .hasMessageContaining("name");
    }

    @Test
    void forwardAcceptsFieldWithoutDefault() {
        final SchemaStore store = storeWith(CompatibilityLevel.FORWARD, V1);

        assertThat(store.register(SUBJECT, V2_REQUIRED.toString()).schema().version()).isEqualTo(2);
    }

    @Test
    void fullAcceptsOnlyDefaultedField() {
        final SchemaStore store = storeWith(CompatibilityLevel.FULL, V1);

        assertThatThrownBy(() -> store.register(SUBJECT, V2_REQUIRED.toString()))
                .isInstanceOf(RegistryException.class);
        assertThat(store.register(SUBJECT, V2_DEFAULTED.toString()).created()).isTrue();
    }

    @Test
    void transitiveChecksEveryVersion() {
        final SchemaStore latestOnly = storeWith(CompatibilityLevel.FORWARD, V1);
        latestOnly.register(SUBJECT, V2_ALL_DEFAULTS.toString());
        final SchemaStore transitive = storeWith(CompatibilityLevel.FORWARD_TRANSITIVE, V1);
        transitive.register(SUBJECT, V2_ALL_DEFAULTS.toString());

        assertThat(latestOnly.register(SUBJECT, V3_WITHOUT_ID.toString()).created()).isTrue();
        assertThatThrownBy(() -> transitive.register(SUBJECT, V3_WITHOUT_ID.toString()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("FORWARD_TRANSITIVE");
    }

    @Test
    void noneAcceptsAnything() {
        final SchemaStore store = storeWith(CompatibilityLevel.NONE, V1);

        assertThat(store.register(SUBJECT, Schema.create(Schema.Type.LONG).toString()).created()).isTrue();
    }

    @Test
    void restoreContinuesIdSequence() {
        final SchemaStore store = storeWith(CompatibilityLevel.BACKWARD, V1);
        store.register(SUBJECT, V2_DEFAULTED.toString());
        final SchemaStore restored = new SchemaStore();

        restored.restore(store.state());

        assertThat(restored.register("other-value", V2_REQUIRED.toString()).schema().id()).isEqualTo(3);
        assertThat(restored.register("copy-value", V1.toString()).schema().id()).isEqualTo(1);
    }

    @Test
    void restoreRejectsDanglingId() {
        final SchemaStore.State broken = new SchemaStore.State(java.util.Map.of(),
                java.util.Map.of(SUBJECT, java.util.List.of(7)), CompatibilityLevel.BACKWARD, java.util.Map.of());

        assertThatThrownBy(() -> new SchemaStore().restore(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema id 7");
    }

    private static SchemaStore storeWith(final CompatibilityLevel level, final Schema first) {
        final SchemaStore store = new SchemaStore();
        store.setGlobalCompatibility(level);
        store.register(SUBJECT, first.toString());
        return store;
    }
}
