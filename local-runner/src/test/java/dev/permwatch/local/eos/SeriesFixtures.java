package dev.permwatch.local.eos;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.schemas.Sources;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** A small hand-made series whose events are written out in the tests, and the corpus location. */
final class SeriesFixtures {

    static final String ACCOUNT = "com.cloudflare.api.account";
    static final String ZONE = "com.cloudflare.api.account.zone";

    static final String ID_A = "a0000000000000000000000000000001";
    static final String ID_B = "b0000000000000000000000000000002";
    static final String ID_C = "c0000000000000000000000000000003";
    static final String ID_D = "d0000000000000000000000000000004";
    static final String ID_E = "e0000000000000000000000000000005";

    static final PermissionGroup A = group(ID_A, "Zone Read", "Grants read access to zones", ACCOUNT, ZONE);
    /** A with its scopes in the other order: no change. */
    static final PermissionGroup A_REORDERED = group(ID_A, "Zone Read", "Grants read access to zones", ZONE, ACCOUNT);
    /** A renamed and described at step 4, as listed (scopes still in the step-2 order). */
    static final PermissionGroup A_RENAMED_LISTED = group(ID_A, "Zone Settings Read",
            "Grants read access to zone settings", ZONE, ACCOUNT);
    /** A after step 4 as the app stores it: the same scopes as a set keep the known order. */
    static final PermissionGroup A_RENAMED = group(ID_A, "Zone Settings Read", "Grants read access to zone settings",
            ACCOUNT, ZONE);
    static final PermissionGroup B = group(ID_B, "Argo Tunnel Write", "Grants write access to Argo Tunnel", ACCOUNT);
    static final PermissionGroup B_NAME_ONLY = group(ID_B, "Cloudflare Tunnel Write",
            "Grants write access to Argo Tunnel", ACCOUNT);
    static final PermissionGroup B_RENAMED = group(ID_B, "Cloudflare Tunnel Write",
            "Grants write access to Argo Tunnel", ZONE);
    static final PermissionGroup C = group(ID_C, "DNS Read", "Grants read access to DNS", ZONE);
    static final PermissionGroup C_DESCRIBED = group(ID_C, "DNS Read", "Grants read access to DNS records", ZONE);
    static final PermissionGroup C_RESCOPED = group(ID_C, "DNS Read", "Grants read access to DNS records", ACCOUNT);
    static final PermissionGroup D = group(ID_D, "Teams Report", "Grants access to Teams reports", ACCOUNT);
    static final PermissionGroup E = group(ID_E, "Workers AI Read", "Grants access to reading Workers AI", ACCOUNT);
    /** E without its description: unknown, so no change, and the known description carries forward. */
    static final PermissionGroup E_UNKNOWN_DESCRIPTION = PermissionGroup.newBuilder(E).setDescription(null).build();
    static final PermissionGroup E_DESCRIBED = group(ID_E, "Workers AI Read",
            "Grants access to reading Workers AI models", ACCOUNT);

    /**
     * Unchanged groups listed after the others at every step, so that one absent group of 13 stays
     * below the shrink guard's 10%.
     */
    static final List<PermissionGroup> FILLER = IntStream.range(0, 9)
            .mapToObj(i -> group(String.format("f%031x", i), "Filler " + i + " Read", "Grants read access to filler " + i,
                    ACCOUNT))
            .toList();

    private SeriesFixtures() {
    }

    /** Returns {@code groups} followed by {@link #FILLER}. */
    static List<PermissionGroup> withFiller(final PermissionGroup... groups) {
        return Stream.concat(Stream.of(groups), FILLER.stream()).toList();
    }

    static PermissionGroup group(final String id, final String name, final String description,
                                 final String... scopes) {
        return PermissionGroup.newBuilder()
                .setId(id)
                .setName(name)
                .setDescription(description)
                .setScopes(List.of(scopes))
                .setExtraFields(Map.of())
                .build();
    }

    /**
     * Five steps of the user source, each followed by {@link #FILLER}:
     * <ol start="0">
     *     <li>A, B, C, D</li>
     *     <li>items reordered, B renamed and moved to zone scope, E added</li>
     *     <li>D absent (first absence), A's scopes reordered, C described</li>
     *     <li>the same content again, but E without description (unknown)</li>
     *     <li>C moved to account scope, A renamed and described, E described</li>
     * </ol>
     */
    static SourceSeries handMadeUser() {
        final List<List<PermissionGroup>> lists = List.of(
                withFiller(A, B, C, D),
                withFiller(C, A, B_RENAMED, D, E),
                withFiller(C_DESCRIBED, A_REORDERED, B_RENAMED, E),
                withFiller(C_DESCRIBED, A_REORDERED, B_RENAMED, E_UNKNOWN_DESCRIPTION),
                withFiller(C_RESCOPED, A_RENAMED_LISTED, B_RENAMED, E_DESCRIBED));
        final PermissionGroup aNameOnly = PermissionGroup.newBuilder(A_REORDERED).setName("Zone Settings Read").build();
        final List<List<Mutation>> mutations = List.of(
                List.of(),
                List.of(Mutation.reorderedGroups(),
                        Mutation.changed(Mutation.Kind.RENAME, B, B_NAME_ONLY),
                        Mutation.changed(Mutation.Kind.RESCOPE, B_NAME_ONLY, B_RENAMED),
                        Mutation.added(E)),
                List.of(Mutation.removed(D),
                        Mutation.changed(Mutation.Kind.REORDER_SCOPES, A, A_REORDERED),
                        Mutation.changed(Mutation.Kind.DESCRIBE, C, C_DESCRIBED)),
                List.of(),
                List.of(Mutation.changed(Mutation.Kind.RESCOPE, C_DESCRIBED, C_RESCOPED),
                        Mutation.changed(Mutation.Kind.RENAME, A_REORDERED, aNameOnly),
                        Mutation.changed(Mutation.Kind.DESCRIBE, aNameOnly, A_RENAMED_LISTED),
                        Mutation.changed(Mutation.Kind.DESCRIBE, E_UNKNOWN_DESCRIPTION, E_DESCRIBED)));
        return new SourceSeries("user", Sources.user(), "user", lists, mutations);
    }

    static GeneratedSeries handMade() {
        return new GeneratedSeries(0, 5, List.of(handMadeUser()));
    }

    /** Returns the recorded corpus folder, next to the repository root; it may be absent. */
    static Path corpusDir() {
        // Surefire runs in the module folder; the corpus sits next to the repository root.
        return Path.of("").toAbsolutePath().getParent().getParent()
                .resolve("shared").resolve("corpus").resolve("cloudflare-permission-groups");
    }
}
