package dev.permwatch.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.Sources;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Feeds the five recorded Cloudflare permission-group lists, in order, through the topology as one
 * source. The lists are read from {@code <repository>/../shared/corpus/cloudflare-permission-groups}
 * and the test is skipped when that folder is absent.
 */
class RecordedCorpusTest {

    private static final String TUNNEL_READ_ID = "efea2ab8357b47888938f101ae5e053f";
    private static final Source SOURCE = Sources.user();
    private static final String SOURCE_KEY = Sources.key(SOURCE);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path stateDir;

    @Test
    void recordedListsDiffByIdAcrossRenames() throws IOException {
        final Path corpus = corpusFolder();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; place the cloudflare-permission-groups folder there to run this test");

        final TopologySettings settings = TopologySettings.defaults()
                .withClock(Clock.fixed(Instant.parse("2026-02-01T00:00:00Z"), ZoneOffset.UTC));
        try (TopologyHarness harness = new TopologyHarness(settings, "corpus-" + UUID.randomUUID(), stateDir,
                StreamsConfig.EXACTLY_ONCE_V2)) {

            harness.pipe(load(corpus.resolve("001-2020-12-18.json")));
            assertThat(harness.readChanges()).isEmpty();
            assertThat(onlyReport(harness).getOutcome()).isEqualTo(DiffOutcome.BASELINE);

            harness.pipe(load(corpus.resolve("002-2020-12-18.json")));
            assertThat(harness.readChanges()).isEmpty();
            assertThat(onlyReport(harness).getOutcome()).isEqualTo(DiffOutcome.DIFFED);

            harness.pipe(load(corpus.resolve("003-2021-06-09.json")));
            final List<ChangeEvent> logsGroups = values(harness.readChanges());
            assertThat(logsGroups).hasSize(2);
            assertThat(logsGroups).extracting(ChangeEvent::getType).containsOnly(ChangeType.ADDED);
            onlyReport(harness);

            // 004 has only ids and names, so nothing but additions and removals can be detected. With the
            // default of two confirmations, the absence of "API Tokens Write" is only pending here.
            harness.pipe(load(corpus.resolve("004-2023-06-27.json")));
            final List<ChangeEvent> idAndNameOnly = values(harness.readChanges());
            assertThat(idAndNameOnly).extracting(ChangeEvent::getType).containsOnly(ChangeType.ADDED);
            assertThat(onlyReport(harness).getRemoved()).isZero();
            final SourceState afterFourth = harness.storedState(SOURCE_KEY, TopologySettings.DEFAULT_STORE_NAME);
            assertThat(afterFourth.getPendingAbsences()).hasSize(1);

            harness.pipe(load(corpus.resolve("005-2026-01-22.json")));
            final List<ChangeEvent> fullCatalog = values(harness.readChanges());
            final List<ChangeEvent> renames = fullCatalog.stream()
                    .filter(event -> event.getType() == ChangeType.RENAMED)
                    .toList();
            assertThat(renames).hasSize(15);
            final ChangeEvent tunnel = renames.stream()
                    .filter(event -> event.getPermissionId().equals(TUNNEL_READ_ID))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no RENAMED event for " + TUNNEL_READ_ID));
            assertThat(tunnel.getBefore().getName()).isEqualTo("Argo Tunnel Read");
            assertThat(tunnel.getAfter().getName()).isEqualTo("Cloudflare Tunnel Read");

            // 005 still lacks "API Tokens Write", which confirms its removal. Its own five new
            // absences are pending, and none of the five lists is large enough to be held.
            final Set<String> addedNames = namesOf(fullCatalog, ChangeType.ADDED);
            final Set<String> removedNames = namesOf(fullCatalog, ChangeType.REMOVED);
            assertThat(removedNames).containsExactly("API Tokens Write");
            assertThat(addedNames).doesNotContainAnyElementsOf(removedNames);

            final DiffReport report = onlyReport(harness);
            assertThat(report.getGroupCount()).isEqualTo(305);
            assertThat(report.getRenamed()).isEqualTo(15);
            assertThat(report.getRemoved()).isEqualTo(1);
            final SourceState afterFifth = harness.storedState(SOURCE_KEY, TopologySettings.DEFAULT_STORE_NAME);
            assertThat(afterFifth.getPendingAbsences()).hasSize(5);
            assertThat(afterFifth.getHeldRemovals()).isEmpty();
            assertThat(harness.readAlerts()).isEmpty();
        }
    }

    private static Path corpusFolder() {
        // Surefire runs tests in the module folder and sets basedir to it, so the parent is the repository root.
        final Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return moduleDir.getParent().resolve("../shared/corpus/cloudflare-permission-groups").normalize();
    }

    private static DiffReport onlyReport(final TopologyHarness harness) {
        final List<KeyValue<String, DiffReport>> reports = harness.readDiffReports();
        assertThat(reports).hasSize(1);
        return reports.get(0).value;
    }

    private static List<ChangeEvent> values(final List<KeyValue<String, ChangeEvent>> records) {
        return records.stream().map(record -> record.value).toList();
    }

    private static Set<String> namesOf(final List<ChangeEvent> events, final ChangeType type) {
        return events.stream()
                .filter(event -> event.getType() == type)
                .map(event -> type == ChangeType.REMOVED ? event.getBefore().getName() : event.getAfter().getName())
                .collect(Collectors.toSet());
    }

    /**
     * Parses one recorded response into a snapshot fetched on the date in the file name, as many
     * minutes after midnight UTC as the file's sequence number. Two lists recorded on one day so
     * become two polls with distinct snapshot ids, not one snapshot delivered twice.
     */
    private static Snapshot load(final Path file) throws IOException {
        final String fileName = file.getFileName().toString();
        final int sequence = Integer.parseInt(fileName.substring(0, 3));
        final String date = fileName.substring(4, 14);
        final Instant fetchedAt = LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant()
                .plus(Duration.ofMinutes(sequence));

        final List<PermissionGroup> groups = new ArrayList<>();
        for (final JsonNode item : MAPPER.readTree(file.toFile()).get("result")) {
            groups.add(toGroup(item));
        }
        return TestSnapshots.snapshot(SOURCE, fetchedAt, groups);
    }

    private static PermissionGroup toGroup(final JsonNode item) throws IOException {
        final Map<String, String> extraFields = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!Set.of("id", "name", "description", "scopes").contains(field.getKey())) {
                extraFields.put(field.getKey(), MAPPER.writeValueAsString(field.getValue()));
            }
        }

        List<String> scopes = null;
        if (item.hasNonNull("scopes")) {
            scopes = new ArrayList<>();
            for (final JsonNode scope : item.get("scopes")) {
                scopes.add(scope.asText());
            }
        }

        return PermissionGroup.newBuilder()
                .setId(item.get("id").asText())
                .setName(item.get("name").asText())
                .setDescription(item.hasNonNull("description") ? item.get("description").asText() : null)
                .setScopes(scopes)
                .setExtraFields(extraFields)
                .build();
    }
}
