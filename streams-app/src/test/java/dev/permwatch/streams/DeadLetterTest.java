package dev.permwatch.streams;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.permwatch.streams.TestSnapshots.DNS_READ_ID;
import static dev.permwatch.streams.TestSnapshots.group;
import static dev.permwatch.streams.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/** Records that cannot be processed go to the dead-letter topic, and processing goes on. */
class DeadLetterTest {

    private static final Instant T1 = Instant.parse("2025-03-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T00:05:00Z");
    private static final Source USER = Sources.user();
    private static final String ACCOUNT_KEY = "account:0123456789abcdef0123456789abcdef";

    @TempDir
    Path stateDir;

    private final String registryScope = "dead-letter-" + UUID.randomUUID();
    private TopologyHarness harness;
    private SpecificAvroSerde<Snapshot> snapshotSerde;

    @BeforeEach
    void startDriver() {
        harness = start(StreamsConfig.EXACTLY_ONCE_V2);
        snapshotSerde = new SpecificAvroSerde<>();
        snapshotSerde.configure(Map.of("schema.registry.url", "mock://" + registryScope), false);
    }

    private TopologyHarness start(final String guarantee) {
        final TopologySettings settings = TopologySettings.defaults()
                .withClock(Clock.fixed(Instant.parse("2025-03-02T08:00:00Z"), ZoneOffset.UTC));
        return new TopologyHarness(settings, registryScope, stateDir, guarantee);
    }

    @AfterEach
    void closeDriver() {
        harness.close();
        snapshotSerde.close();
    }

    @Test
    void poisonBytesGoToDeadLetterTopic() {
        // NOTE: with exactly_once_v2, the TopologyTestDriver of Kafka Streams 4.4.0 does not output
        // the records that a deserialization handler returns, so this test runs at_least_once. The
        // exactly_once_v2 path of this handler is not covered by a test yet; it needs a real broker.
        harness.close();
        harness = start(StreamsConfig.AT_LEAST_ONCE);
        final byte[] key = utf8("user");
        final byte[] value = utf8("not an Avro snapshot");
        final Headers headers = new RecordHeaders().add("trace-id", utf8("abc123"));

        harness.pipeRaw(key, value, headers);
        harness.pipe(snapshot(USER, T1, dnsRead()));

        final TestRecord<byte[], byte[]> deadLetter = onlyDeadLetter();
        assertThat(deadLetter.key()).isEqualTo(key);
        assertThat(deadLetter.value()).isEqualTo(value);
        assertThat(header(deadLetter, "trace-id")).isEqualTo("abc123");
        assertThat(header(deadLetter, "__streams.errors.exception"))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(deadLetter, "__streams.errors.message")).contains("magic byte");
        assertThat(header(deadLetter, "__streams.errors.topic")).isEqualTo("permwatch.snapshots");
        assertThat(header(deadLetter, "__streams.errors.partition")).isEqualTo("0");
        assertThat(header(deadLetter, "__streams.errors.offset")).isEqualTo("0");

        final Alert alert = onlyAlert("user");
        assertThat(alert.getKind()).isEqualTo(AlertKind.DEAD_LETTER);
        assertThat(alert.getSource()).isEqualTo(USER);
        assertThat(alert.getMessage()).contains("offset 0", "permwatch.snapshots", "permwatch.dead-letter");
        assertThat(alert.getDetails()).containsEntry("offset", "0");

        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE);
        assertThat(harness.metricValue("dropped-records-total", "stream-task-metrics")).isEqualTo(1.0);
    }

    @Test
    void invalidSnapshotsGoToDeadLetterTopic() {
        final Snapshot first = snapshot(USER, T1, dnsRead());
        final byte[] firstBytes = snapshotSerde.serializer().serialize("permwatch.snapshots", first);
        final Snapshot duplicated = snapshot(USER, T2, dnsRead(), dnsRead());
        final byte[] duplicatedBytes = snapshotSerde.serializer().serialize("permwatch.snapshots", duplicated);

        harness.pipeRaw(utf8(ACCOUNT_KEY), firstBytes, new RecordHeaders());
        harness.pipeRaw(utf8("user"), null, new RecordHeaders());
        harness.pipeRaw(utf8("user"), duplicatedBytes, new RecordHeaders());
        harness.pipe(first);

        final List<TestRecord<byte[], byte[]>> deadLetters = harness.readDeadLetters();
        assertThat(deadLetters).hasSize(3);
        assertThat(deadLetters.get(0).key()).isEqualTo(utf8(ACCOUNT_KEY));
        assertThat(deadLetters.get(0).value()).isEqualTo(firstBytes);
        assertThat(header(deadLetters.get(0), "__streams.errors.message")).contains("record key differs");
        assertThat(deadLetters.get(1).value()).isNull();
        assertThat(header(deadLetters.get(1), "__streams.errors.message")).contains("tombstone");
        assertThat(deadLetters.get(2).value()).isEqualTo(duplicatedBytes);
        assertThat(header(deadLetters.get(2), "__streams.errors.message")).contains("more than once");
        assertThat(deadLetters).extracting(record -> header(record, "__streams.errors.offset"))
                .containsExactly("0", "1", "2");
        assertThat(deadLetters).extracting(record -> header(record, "__streams.errors.exception"))
                .containsOnly("dev.permwatch.streams.deadletter.RejectedRecordException");

        final List<KeyValue<String, Alert>> alerts = harness.readAlerts();
        assertThat(alerts).extracting(record -> record.value.getKind()).containsOnly(AlertKind.DEAD_LETTER);
        assertThat(alerts).extracting(record -> record.key).containsExactly(ACCOUNT_KEY, "user", "user");

        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE);
        assertThat(harness.metricValue("rejected-snapshots-total", "stream-permwatch-metrics")).isEqualTo(3.0);
    }

    @Test
    void commandWithWrongKeyGoesToDeadLetterTopic() {
        harness.pipe(snapshot(USER, T1, dnsRead()));
        final OperatorCommand command = OperatorCommand.newBuilder()
                .setCommand(dev.permwatch.avro.OperatorCommandType.CONFIRM_HELD_REMOVALS)
                .setSource(USER)
                .setSnapshotId("0123456789abcdef0123456789abcdef")
                .setRequestedBy("alice")
                .setRequestedAt(T2)
                .build();

        harness.command(ACCOUNT_KEY, command);

        final TestRecord<byte[], byte[]> deadLetter = onlyDeadLetter();
        assertThat(header(deadLetter, "__streams.errors.topic")).isEqualTo("permwatch.control");
        assertThat(header(deadLetter, "__streams.errors.message")).contains("record key differs");
        assertThat(onlyAlert(ACCOUNT_KEY).getKind()).isEqualTo(AlertKind.DEAD_LETTER);
    }

    private TestRecord<byte[], byte[]> onlyDeadLetter() {
        final List<TestRecord<byte[], byte[]>> deadLetters = harness.readDeadLetters();
        assertThat(deadLetters).hasSize(1);
        return deadLetters.get(0);
    }

    private Alert onlyAlert(final String expectedKey) {
        final List<KeyValue<String, Alert>> alerts = harness.readAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).key).isEqualTo(expectedKey);
        return alerts.get(0).value;
    }

    private static String header(final TestRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static dev.permwatch.avro.PermissionGroup dnsRead() {
        return group(DNS_READ_ID, "DNS Read", "Grants read access to DNS", "com.cloudflare.api.account.zone");
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
