package dev.permwatch.local.eos;

import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.poller.cloudflare.PermissionGroupListParser;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SeriesGeneratorTest {

    private static final int STEPS = 200;

    private static List<List<PermissionGroup>> corpus;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void loadCorpus() {
        final Path dir = SeriesFixtures.corpusDir();
        assumeTrue(Files.isDirectory(dir), "Recorded corpus not found at " + dir
                + "; the series generator tests need the folder cloudflare-permission-groups next to the repository");
        corpus = SeriesGenerator.loadCorpus(dir);
    }

    @Test
    void sameSeedGivesSameBytes() {
        final GeneratedSeries first = SeriesGenerator.generate(corpus, STEPS, 3, 42);
        final GeneratedSeries second = SeriesGenerator.generate(corpus, STEPS, 3, 42);

        assertThat(second).isEqualTo(first);
        for (int source = 0; source < 3; source++) {
            for (int step = 0; step < STEPS; step++) {
                assertThat(second.sources().get(source).responseBody(step))
                        .as("source %d step %d", source, step)
                        .isEqualTo(first.sources().get(source).responseBody(step));
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentSeries() {
        final GeneratedSeries first = SeriesGenerator.generate(corpus, STEPS, 2, 42);
        final GeneratedSeries second = SeriesGenerator.generate(corpus, STEPS, 2, 43);

        assertThat(second.sources().get(0).responseBody(STEPS - 1))
                .isNotEqualTo(first.sources().get(0).responseBody(STEPS - 1));
        assertThat(second.sources().get(0).mutations()).isNotEqualTo(first.sources().get(0).mutations());
        assertThat(second.sources().get(1).sourceKey()).isNotEqualTo(first.sources().get(1).sourceKey());
    }

    @Test
    void everyResponseBodyParses() throws Exception {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, STEPS, 4, 7);
        final PermissionGroupListParser parser = new PermissionGroupListParser();

        for (final SourceSeries source : series.sources()) {
            for (int step = 0; step < STEPS; step++) {
                final List<PermissionGroup> parsed = parser.parse(source.responseBody(step));
                assertThat(parsed).as("%s step %d", source.name(), step).isEqualTo(source.lists().get(step));
            }
        }
    }

    @Test
    void sourcesAreUserThenAccounts() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, 10, 16, 7);

        assertThat(series.sources()).hasSize(16);
        assertThat(series.sources().get(0).name()).isEqualTo("user");
        assertThat(series.sources().get(0).source()).isEqualTo(Sources.user());
        assertThat(series.sources().get(0).lists().get(0)).isEqualTo(corpus.get(corpus.size() - 1));
        for (int index = 1; index < 16; index++) {
            final SourceSeries account = series.sources().get(index);
            assertThat(account.name()).isEqualTo("account" + index);
            assertThat(account.source().getKind()).isEqualTo(SourceKind.ACCOUNT);
            assertThat(account.source().getAccountId()).matches("[0-9a-f]{32}");
            assertThat(account.sourceKey()).isEqualTo(Sources.key(account.source()));
        }
        assertThat(series.sources().stream().map(SourceSeries::sourceKey).distinct()).hasSize(16);
    }

    @Test
    void mutationMixContainsEveryKind() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, STEPS, 2, 42);

        for (final SourceSeries source : series.sources()) {
            final Map<Mutation.Kind, Integer> counts = new EnumMap<>(Mutation.Kind.class);
            int quietSteps = 0;
            int combinedChanges = 0;
            for (final List<Mutation> step : source.mutations().subList(1, STEPS)) {
                step.forEach(mutation -> counts.merge(mutation.kind(), 1, Integer::sum));
                if (step.stream().allMatch(mutation -> mutation.kind().orderOnly())) {
                    quietSteps++;
                }
                final Map<String, Long> fieldChangesById = step.stream()
                        .filter(mutation -> mutation.kind().changedField() != null)
                        .collect(Collectors.groupingBy(Mutation::permissionId, Collectors.counting()));
                combinedChanges += (int) fieldChangesById.values().stream().filter(count -> count > 1).count();
            }
            assertThat(counts.keySet()).as("mutation kinds of %s", source.name())
                    .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Mutation.Kind.class));
            assertThat(quietSteps).as("steps without a content change in %s", source.name()).isPositive();
            assertThat(combinedChanges).as("groups with several fields changed in one step in %s", source.name())
                    .isPositive();
        }
    }

    @Test
    void removalsFollowTheRules() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, STEPS, 4, 42);

        for (final SourceSeries source : series.sources()) {
            final Set<String> removed = new HashSet<>();
            for (int step = 1; step < STEPS; step++) {
                final List<Mutation> mutations = source.mutations().get(step);
                final long removals = mutations.stream().filter(m -> m.kind() == Mutation.Kind.REMOVE).count();
                assertThat(removals).as("removals of %s at step %d", source.name(), step).isLessThanOrEqualTo(2);
                if (step >= STEPS - 2) {
                    assertThat(removals).as("removals of %s in the last two steps", source.name()).isZero();
                }
                for (final Mutation mutation : mutations) {
                    if (mutation.permissionId() != null) {
                        assertThat(removed).as("%s step %d mutates a removed group", source.name(), step)
                                .doesNotContain(mutation.permissionId());
                    }
                }
                final Set<String> listed = source.lists().get(step).stream().map(PermissionGroup::getId)
                        .collect(Collectors.toSet());
                assertThat(removed).as("%s step %d lists a removed group", source.name(), step)
                        .noneMatch(listed::contains);
                mutations.stream().filter(m -> m.kind() == Mutation.Kind.REMOVE)
                        .forEach(m -> removed.add(m.permissionId()));
            }
            assertThat(removed).as("groups removed from %s", source.name()).isNotEmpty();
        }
    }

    @Test
    void nothingIsPendingAtTheEnd() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, STEPS, 4, 42);
        final ExpectedEvents expected = ExpectedEvents.compute(series, 2);

        for (final SourceSeries source : series.sources()) {
            final Map<String, PermissionGroup> lastList = source.lists().get(STEPS - 1).stream()
                    .collect(Collectors.toMap(PermissionGroup::getId, Function.identity(), (a, b) -> a,
                            LinkedHashMap::new));
            assertThat(expected.finalCatalog(source.sourceKey()).keySet())
                    .as("catalog ids of %s", source.name()).isEqualTo(lastList.keySet());
            final long removeMutations = source.mutations().stream().flatMap(List::stream)
                    .filter(m -> m.kind() == Mutation.Kind.REMOVE).count();
            final long removedEvents = expected.forSource(source.sourceKey()).stream()
                    .filter(event -> event.type() == ChangeType.REMOVED).count();
            assertThat(removedEvents).as("REMOVED events of %s", source.name()).isEqualTo(removeMutations);
        }
    }

    @Test
    void groupCountsStayAboveOneHundred() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, STEPS, 16, 42);

        for (final SourceSeries source : series.sources()) {
            for (int step = 0; step < STEPS; step++) {
                assertThat(source.lists().get(step).size()).as("groups of %s at step %d", source.name(), step)
                        .isGreaterThan(100);
            }
        }
    }

    @Test
    void stepZeroIsTheBaseline() {
        final GeneratedSeries series = SeriesGenerator.generate(corpus, 5, 2, 42);

        for (final SourceSeries source : series.sources()) {
            assertThat(source.mutations().get(0)).isEmpty();
        }
        assertThat(ExpectedEvents.compute(series, 2).forSource("user")).allMatch(event -> event.step() >= 1);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> SeriesGenerator.generate(corpus, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid step count 1");
        assertThatThrownBy(() -> SeriesGenerator.generate(corpus, 10, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid source count 0");
        assertThatThrownBy(() -> SeriesGenerator.generate(corpus, 10, 17, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 1 to 16");
        assertThatThrownBy(() -> SeriesGenerator.generate(corpus.subList(0, 1), 10, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs at least 150");
    }

    @Test
    void missingCorpusFolderIsRejected() {
        final Path missing = tempDir.resolve("absent");

        assertThatThrownBy(() -> SeriesGenerator.loadCorpus(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void invalidCorpusFileIsRejected() throws Exception {
        Files.writeString(tempDir.resolve("001-partial.json"),
                "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[]}", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SeriesGenerator.loadCorpus(tempDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("001-partial.json")
                .hasMessageContaining("empty list")
                .hasMessageContaining("remove it from the folder");
    }
}
