package dev.permwatch.streams.control;

import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.OperatorCommandType;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ConfirmHeldRemovalsTest {

    private static final String SNAPSHOT_ID = "0123456789abcdef0123456789abcdef";
    private static final String ACCOUNT_KEY = "account:fedcba9876543210fedcba9876543210";
    private static final Instant NOW = Instant.parse("2025-03-02T08:00:00Z");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private MockProducer<String, OperatorCommand> producer;

    @Test
    void writesCommandKeyedBySource() throws IOException {
        final Path props = properties("permwatch.topic.control=ops.control\n");

        final int exit = run(props.toString(), "--source", ACCOUNT_KEY, "--snapshot", SNAPSHOT_ID,
                "--requested-by", "alice");

        assertThat(exit).isEqualTo(ConfirmHeldRemovals.EXIT_OK);
        final List<ProducerRecord<String, OperatorCommand>> sent = producer.history();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).topic()).isEqualTo("ops.control");
        assertThat(sent.get(0).key()).isEqualTo(ACCOUNT_KEY);
        final OperatorCommand command = sent.get(0).value();
        assertThat(command.getCommand()).isEqualTo(OperatorCommandType.CONFIRM_HELD_REMOVALS);
        assertThat(command.getSource()).isEqualTo(Sources.fromKey(ACCOUNT_KEY));
        assertThat(command.getSnapshotId()).isEqualTo(SNAPSHOT_ID);
        assertThat(command.getRequestedBy()).isEqualTo("alice");
        assertThat(command.getRequestedAt()).isEqualTo(NOW);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Sent CONFIRM_HELD_REMOVALS", "ops.control");
    }

    @Test
    void rejectsInvalidArguments() throws IOException {
        final String props = properties("").toString();
        final String[][] cases = {
            {},
            {props, "--snapshot", SNAPSHOT_ID},
            {props, "--source", "user"},
            {props, "--source", "user", "--snapshot", "ABC"},
            {props, "--source", "org:1", "--snapshot", SNAPSHOT_ID},
            {props, "--source", "user", "--snapshot", SNAPSHOT_ID, "--force", "yes"},
            {props, "--source", "user", "--snapshot"},
            {dir.resolve("missing.properties").toString(), "--source", "user", "--snapshot", SNAPSHOT_ID},
        };
        for (final String[] args : cases) {
            err.reset();
            assertThat(run(args)).as(String.join(" ", args)).isEqualTo(ConfirmHeldRemovals.EXIT_USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                    .startsWith("Invalid arguments: ").contains("Usage:");
        }
        assertThat(producer).isNull();
    }

    @Test
    void reportsFailedSend() throws IOException {
        final Path props = properties("");
        final int exit = ConfirmHeldRemovals.run(new String[] {props.toString(), "--source", "user", "--snapshot",
                SNAPSHOT_ID}, new PrintStream(out), new PrintStream(err), Clock.fixed(NOW, ZoneOffset.UTC),
                config -> {
                    producer = new MockProducer<>(true, null, new StringSerializer(), serializer(config));
                    producer.sendException = new KafkaException("broker down");
                    return producer;
                });

        assertThat(exit).isEqualTo(ConfirmHeldRemovals.EXIT_FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Failed to write the command", "broker down");
    }

    private int run(final String... args) {
        return ConfirmHeldRemovals.run(args, new PrintStream(out), new PrintStream(err),
                Clock.fixed(NOW, ZoneOffset.UTC), config -> {
                    producer = new MockProducer<>(true, null, new StringSerializer(), serializer(config));
                    return producer;
                });
    }

    private static org.apache.kafka.common.serialization.Serializer<OperatorCommand> serializer(
            final Map<String, Object> config) {
        final SpecificAvroSerde<OperatorCommand> serde = new SpecificAvroSerde<>();
        serde.configure(config, false);
        return serde.serializer();
    }

    private Path properties(final String extra) throws IOException {
        final Path file = dir.resolve("streams.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9\n"
                + "schema.registry.url=mock://confirm-" + UUID.randomUUID() + "\n" + extra);
        return file;
    }
}
