package dev.permwatch.local.eos;

import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.permwatch.local.eos.SeriesFixtures.A;
import static dev.permwatch.local.eos.SeriesFixtures.A_RENAMED;
import static dev.permwatch.local.eos.SeriesFixtures.B;
import static dev.permwatch.local.eos.SeriesFixtures.B_RENAMED;
import static dev.permwatch.local.eos.SeriesFixtures.C;
import static dev.permwatch.local.eos.SeriesFixtures.C_DESCRIBED;
import static dev.permwatch.local.eos.SeriesFixtures.C_RESCOPED;
import static dev.permwatch.local.eos.SeriesFixtures.D;
import static dev.permwatch.local.eos.SeriesFixtures.E;
import static dev.permwatch.local.eos.SeriesFixtures.E_DESCRIBED;
import static dev.permwatch.local.eos.SeriesFixtures.ID_A;
import static dev.permwatch.local.eos.SeriesFixtures.ID_B;
import static dev.permwatch.local.eos.SeriesFixtures.ID_C;
import static dev.permwatch.local.eos.SeriesFixtures.ID_D;
import static dev.permwatch.local.eos.SeriesFixtures.ID_E;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectedEventsTest {

    @Test
    void handMadeSeriesYieldsWrittenOutEvents() {
        final ExpectedEvents expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 2);

        assertThat(expected.forSource("user")).containsExactly(
                new ExpectedEvent("user", 1, ChangeType.RENAMED, ID_B, List.of("name", "scopes"), B, B_RENAMED),
                new ExpectedEvent("user", 1, ChangeType.ADDED, ID_E, List.of(), null, E),
                new ExpectedEvent("user", 2, ChangeType.UPDATED, ID_C, List.of("description"), C, C_DESCRIBED),
                new ExpectedEvent("user", 3, ChangeType.REMOVED, ID_D, List.of(), D, null),
                new ExpectedEvent("user", 4, ChangeType.UPDATED, ID_C, List.of("scopes"), C_DESCRIBED, C_RESCOPED),
                new ExpectedEvent("user", 4, ChangeType.RENAMED, ID_A, List.of("description", "name"), A, A_RENAMED),
                new ExpectedEvent("user", 4, ChangeType.UPDATED, ID_E, List.of("description"), E, E_DESCRIBED));
        assertThat(expected.total()).isEqualTo(7);
        assertThat(expected.sourceKeys()).containsExactly("user");
    }

    @Test
    void finalCatalogCarriesKnownFieldsForward() {
        final ExpectedEvents expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 2);

        final Map<String, PermissionGroup> catalog = new LinkedHashMap<>();
        catalog.put(ID_C, C_RESCOPED);
        catalog.put(ID_A, A_RENAMED);
        catalog.put(ID_B, B_RENAMED);
        catalog.put(ID_E, E_DESCRIBED);
        SeriesFixtures.FILLER.forEach(group -> catalog.put(group.getId(), group));
        assertThat(expected.finalCatalog("user")).containsExactlyEntriesOf(catalog);
    }

    @Test
    void oneConfirmationRemovesAtFirstAbsence() {
        final ExpectedEvents expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 1);

        final List<String> removals = expected.forSource("user").stream()
                .filter(event -> event.type() == ChangeType.REMOVED)
                .map(ExpectedEvent::describe)
                .toList();
        assertThat(removals).containsExactly("user step 2 REMOVED " + ID_D);
    }

    @Test
    void pendingRemovalStaysInFinalCatalog() {
        final ExpectedEvents expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 4);

        assertThat(expected.forSource("user")).extracting(ExpectedEvent::type).doesNotContain(ChangeType.REMOVED);
        assertThat(expected.finalCatalog("user")).containsEntry(ID_D, D);
    }

    @Test
    void unknownSourceKeyIsRejected() {
        final ExpectedEvents expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 2);

        assertThatThrownBy(() -> expected.forSource("account:0123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account:0123")
                .hasMessageContaining("[user]");
    }

    @Test
    void mutationLogThatDisagreesIsRejected() {
        final SourceSeries handMade = SeriesFixtures.handMadeUser();
        final List<List<Mutation>> mutations = new ArrayList<>(handMade.mutations());
        mutations.set(3, List.of(Mutation.changed(Mutation.Kind.RENAME, A, A)));
        final SourceSeries wrong = new SourceSeries("user", Sources.user(), "user", handMade.lists(), mutations);

        assertThatThrownBy(() -> ExpectedEvents.compute(new GeneratedSeries(0, 5, List.of(wrong)), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mutation log of source user disagrees");
    }

    @Test
    void shrinkGuardSeriesIsRejected() {
        final List<PermissionGroup> full = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            full.add(SeriesFixtures.group(String.format("f%031x", i), "Group " + i + " Read", "Grants access",
                    SeriesFixtures.ACCOUNT));
        }
        final List<PermissionGroup> shrunk = full.subList(0, 17);
        final List<Mutation> removals = full.subList(17, 20).stream().map(Mutation::removed).toList();
        final SourceSeries source = new SourceSeries("user", Sources.user(), "user", List.of(full, shrunk),
                List.of(List.of(), removals));

        assertThatThrownBy(() -> ExpectedEvents.compute(new GeneratedSeries(0, 2, List.of(source)), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 of 20 known groups newly absent");
    }

    @Test
    void zeroConfirmationsAreRejected() {
        assertThatThrownBy(() -> ExpectedEvents.compute(SeriesFixtures.handMade(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid removal confirmations 0");
    }
}
