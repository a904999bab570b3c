package dev.permwatch.local.replay;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.events.ChangeEventJson;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.cloudflare.InvalidResponseException;
import dev.permwatch.poller.cloudflare.PermissionGroupListParser;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Replays a folder of recorded permission-group responses through the same path as live polling
 * and writes every resulting change event to a file.
 *
 * <p>Each file, in lexicographic order of name, is validated by the poller's
 * {@link PermissionGroupListParser}, turned into a snapshot by {@link SnapshotFactory} and written
 * to the snapshots topic of a fresh embedded broker in a temporary folder. The real streams app
 * diffs the snapshots. The replay waits for the diff report of every accepted snapshot, then reads
 * the changes topic to its end with {@code read_committed} and writes the events as JSON lines.
 * A file that fails validation is reported with its name and reason, skipped, and never diffed.
 */
public final class Replay {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private static final String APPLICATION_ID = "permwatch-replay";
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** Base wait for the streams app, plus {@link #PROCESSING_TIMEOUT_PER_FILE} per accepted file. */
    private static final Duration PROCESSING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROCESSING_TIMEOUT_PER_FILE = Duration.ofSeconds(10);
    /**
     * How far past the current time a fetch time may be before its file is rejected. It allows for
     * a recording machine whose clock ran a little ahead, while a mistyped year is rejected.
     */
    static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final ReplayOptions options;
    private final Path workDir;
    private final PrintStream err;
    private final Clock clock;

    /**
     * @param options what to replay and where to write
     * @param workDir empty folder for the broker, registry and streams data of this replay; the
     *                caller deletes it afterwards
     * @param err     stream for rejected and stale files, normally standard error
     */
    public Replay(final ReplayOptions options, final Path workDir, final PrintStream err) {
        this(options, workDir, err, Clock.systemUTC());
    }

    /**
     * @param clock source of the current time, against which fetch times in the future are
     *              rejected
     */
    Replay(final ReplayOptions options, final Path workDir, final PrintStream err, final Clock clock) {
        this.options = options;
        this.workDir = workDir;
        this.err = err;
        this.clock = clock;
    }

    /**
     * Runs the replay and returns its summary once every event is written.
     *
     * <p>Events go to a temporary file beside the output file, which replaces the output file only
     * when the replay succeeds and accepted at least one file. A failed replay leaves an earlier
     * output file as it was.
     *
     * @throws IllegalArgumentException if the input folder is missing or empty, or the output file
     *                                  is inside it or cannot be written
     * @throws IllegalStateException    if Kafka or the streams app fails or times out
     */
    public ReplaySummary run() {
        rejectOutputInsideInput(options);
        final FolderListing listing = RecordedFile.listFolder(options.inputDir());
        for (final FolderListing.SkippedEntry entry : listing.skipped()) {
            err.println("skipped " + entry.name() + ": " + entry.reason());
            LOG.warn("Skipped {} in the replay folder: {}", entry.name(), entry.reason());
        }
        final Path output = options.output().toAbsolutePath();
        final Path temporary = temporaryOutput(output);
        try {
            final ReplaySummary summary;
            try (BufferedWriter writer = openOutput(output, temporary)) {
                summary = replay(listing, writer);
            }
            if (summary.accepted() > 0) {
                moveIntoPlace(temporary, output);
            }
            return summary;
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write change events to " + output, e);
        } finally {
            deleteTemporary(temporary);
        }
    }

    /**
     * Rejects an output file inside the input folder, or below it, before anything is read or
     * written. Such a file would overwrite a recorded response or be replayed as one next time.
     * Symbolic links are resolved, so a link to the input folder does not get around the check.
     *
     * @throws IllegalArgumentException if the output file is inside the input folder
     */
    public static void rejectOutputInsideInput(final ReplayOptions options) {
        final Path input = realPathIfPresent(options.inputDir());
        final Path output = realPathIfPresent(options.output());
        if (output.startsWith(input)) {
            throw new IllegalArgumentException("Output file " + options.output() + " is inside the replay folder "
                    + options.inputDir() + ". Pass an --output outside that folder, because a file there would"
                    + " overwrite a recorded response or be replayed as one");
        }
    }

    /**
     * Returns the real path of {@code path}, or of its nearest existing parent with the rest
     * appended, so that a file not yet written can be compared with a folder.
     */
    private static Path realPathIfPresent(final Path path) {
        final Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (final IOException e) {
            // An unreadable path is compared as written. Reading the folder fails later with its own message.
            return absolute;
        }
    }

    private ReplaySummary replay(final FolderListing listing, final BufferedWriter writer) throws IOException {
        final List<Path> files = listing.files();
        try (LocalStack stack = LocalStack.start(workDir, APPLICATION_ID, options.emitBaseline(),
                options.removal().toStreamsSettings())) {
            final List<ReplaySummary.RejectedFile> rejected = new ArrayList<>();
            final List<AcceptedFile> accepted = publish(stack, files, rejected);
            final Map<String, DiffReport> reports = awaitReports(stack,
                    accepted.stream().map(AcceptedFile::snapshot).toList());
            final Map<ChangeType, Integer> counts = writeEvents(stack, writer);
            final RemovalStatus removals = lastDiffed(accepted, reports)
                    .map(last -> RemovalStatus.read(stack, last))
                    .orElseGet(RemovalStatus::none);
            for (final String line : removals.describe()) {
                LOG.warn("Replay ended with {}", line);
            }
            final List<ReplaySummary.StaleFile> stale = staleFiles(accepted, reports);
            for (final ReplaySummary.StaleFile file : stale) {
                err.println("stale " + file.describe());
                LOG.warn("Stale recorded file {}", file.describe());
            }
            return new ReplaySummary(files.size(), accepted.size(), rejected, stale, counts, listing.skipped(),
                    listing.links(), removals);
        }
    }

    /** A file written to the snapshots topic, with its snapshot. */
    private record AcceptedFile(RecordedFile file, Snapshot snapshot) {
    }

    private List<AcceptedFile> publish(final LocalStack stack, final List<Path> files,
                                       final List<ReplaySummary.RejectedFile> rejected) {
        final PermissionGroupListParser parser = new PermissionGroupListParser();
        final List<AcceptedFile> accepted = new ArrayList<>();
        try (KafkaProducer<String, Snapshot> producer = producer(stack)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                final RecordedFile recorded;
                final Snapshot snapshot;
                try {
                    recorded = RecordedFile.of(file);
                    rejectFutureTime(recorded);
                    snapshot = toSnapshot(parser, recorded);
                } catch (final InvalidResponseException | IllegalArgumentException | IOException e) {
                    err.println("rejected " + name + ": " + e.getMessage());
                    LOG.warn("Rejected recorded file {}: {}", name, e.getMessage());
                    rejected.add(new ReplaySummary.RejectedFile(name, e.getMessage()));
                    continue;
                }
                send(producer, snapshot, name);
                accepted.add(new AcceptedFile(recorded, snapshot));
                LOG.info("Replayed {} as snapshot {} with {} groups, fetched at {}", name,
                        snapshot.getSnapshotId(), snapshot.getGroups().size(), snapshot.getFetchedAt());
            }
        }
        return accepted;
    }

    private void rejectFutureTime(final RecordedFile recorded) {
        final Instant now = clock.instant();
        if (recorded.fetchedAt().isAfter(now.plus(MAX_FUTURE_SKEW))) {
            final String origin = recorded.timeFromName() ? "in its name" : "from its modification time";
            throw new IllegalArgumentException("fetch time " + recorded.fetchedAt() + " (" + origin
                    + ") is in the future, more than " + MAX_FUTURE_SKEW.toMinutes() + " minutes after the current time "
                    + now + ". It would make every earlier-dated file after it stale. Rename the file with the time"
                    + " it was recorded, such as 2024-03-01T10-15-00Z.json");
        }
    }

    /**
     * Reads a file of at most {@link ReplayOptions#maxFileBytes()} bytes. The size is checked before
     * reading, and the read stops one byte past the limit in case the file grows meanwhile.
     *
     * @throws IllegalArgumentException if the file is bigger than the limit
     */
    private byte[] readCapped(final Path file) throws IOException {
        final long max = options.maxFileBytes();
        final long size = Files.size(file);
        if (size > max) {
            throw tooBig(size, max);
        }
        final byte[] body;
        try (InputStream in = Files.newInputStream(file)) {
            body = in.readNBytes((int) max + 1);
        }
        if (body.length > max) {
            throw tooBig(body.length, max);
        }
        return body;
    }

    private static IllegalArgumentException tooBig(final long size, final long max) {
        return new IllegalArgumentException("file is " + size + " bytes, more than the max of " + max
                + " bytes for one response (the poller's " + PollerConfig.HTTP_MAX_BODY_BYTES + " default). Pass a"
                + " bigger --max-file-bytes if the file is a real response, else remove it from the folder");
    }

    private Snapshot toSnapshot(final PermissionGroupListParser parser, final RecordedFile recorded)
            throws IOException, InvalidResponseException {
        final byte[] body = readCapped(recorded.path());
        final List<PermissionGroup> groups = parser.parse(body);
        final PollMetadata poll = PollMetadata.newBuilder()
                .setOrigin("replay:" + recorded.name())
                .setResponseBytes((long) body.length)
                .build();
        return SnapshotFactory.create(options.source(), recorded.fetchedAt(), groups, poll);
    }

    private static void send(final KafkaProducer<String, Snapshot> producer, final Snapshot snapshot,
                             final String fileName) {
        final ProducerRecord<String, Snapshot> record = new ProducerRecord<>(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC,
                Sources.key(snapshot.getSource()), snapshot);
        try {
            producer.send(record).get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing the snapshot of " + fileName, e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Cannot write the snapshot of " + fileName + " to "
                    + TopicSetup.DEFAULT_SNAPSHOTS_TOPIC + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits until the streams app has written a diff report for every accepted snapshot. */
    private Map<String, DiffReport> awaitReports(final LocalStack stack, final List<Snapshot> accepted) {
        final Set<String> pending = new LinkedHashSet<>();
        accepted.forEach(snapshot -> pending.add(snapshot.getSnapshotId()));
        final Map<String, DiffReport> reports = new HashMap<>();
        if (pending.isEmpty()) {
            return reports;
        }
        final Instant deadline = Instant.now().plus(PROCESSING_TIMEOUT)
                .plus(PROCESSING_TIMEOUT_PER_FILE.multipliedBy(accepted.size()));
        try (KafkaConsumer<String, DiffReport> consumer =
                     TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig())) {
            final List<TopicPartition> partitions =
                    TopicReader.partitions(consumer, List.of(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!pending.isEmpty()) {
                checkStreamsAlive(stack);
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Timed out waiting for the streams app to process "
                            + pending.size() + " snapshot(s), first " + pending.iterator().next()
                            + "; see kafka.log and the log output above");
                }
                for (final ConsumerRecord<String, DiffReport> record : consumer.poll(POLL_TIMEOUT)) {
                    reports.put(record.value().getSnapshotId(), record.value());
                    pending.remove(record.value().getSnapshotId());
                }
            }
        }
        return reports;
    }

    /** Returns the last accepted snapshot that the streams app diffed or took as baseline. */
    private static Optional<Snapshot> lastDiffed(final List<AcceptedFile> accepted,
                                                 final Map<String, DiffReport> reports) {
        Snapshot last = null;
        for (final AcceptedFile current : accepted) {
            final DiffReport report = reports.get(current.snapshot().getSnapshotId());
            if (report != null && (report.getOutcome() == DiffOutcome.BASELINE
                    || report.getOutcome() == DiffOutcome.DIFFED)) {
                last = current.snapshot();
            }
        }
        return Optional.ofNullable(last);
    }

    /**
     * Names each accepted file whose snapshot the streams app ignored as stale, with the newest
     * file replayed before it. That file's later fetch time is why the snapshot was stale.
     */
    private static List<ReplaySummary.StaleFile> staleFiles(final List<AcceptedFile> accepted,
                                                            final Map<String, DiffReport> reports) {
        final List<ReplaySummary.StaleFile> stale = new ArrayList<>();
        AcceptedFile newest = null;
        for (final AcceptedFile current : accepted) {
            final DiffReport report = reports.get(current.snapshot().getSnapshotId());
            if (report != null && report.getOutcome() == DiffOutcome.STALE_IGNORED && newest != null) {
                stale.add(new ReplaySummary.StaleFile(current.file().name(), current.file().fetchedAt(),
                        newest.file().name(), newest.file().fetchedAt()));
            }
            if (newest == null || current.file().fetchedAt().isAfter(newest.file().fetchedAt())) {
                newest = current;
            }
        }
        return stale;
    }

    /** Reads the changes topic from the start to its end and writes each event as a JSON line. */
    private static Map<ChangeType, Integer> writeEvents(final LocalStack stack, final BufferedWriter writer)
            throws IOException {
        final Map<ChangeType, Integer> counts = new EnumMap<>(ChangeType.class);
        final List<ChangeEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, ChangeEvent> consumer =
                     TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig())) {
            final List<TopicPartition> partitions =
                    TopicReader.partitions(consumer, List.of(TopicSetup.DEFAULT_CHANGES_TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed the end offsets are the last stable offsets, so every event of a
            // reported snapshot is before them: diff report and events share one transaction.
            final Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
            while (!reachedEnd(consumer, endOffsets)) {
                for (final ConsumerRecord<String, ChangeEvent> record : consumer.poll(POLL_TIMEOUT)) {
                    events.add(record.value());
                }
            }
        }
        // One partition keeps the order of each group key; across partitions order by snapshot time.
        events.sort(Comparator.comparing(ChangeEvent::getSnapshotAt));
        for (final ChangeEvent event : events) {
            writer.write(ChangeEventJson.toJsonLine(event));
            writer.newLine();
            counts.merge(event.getType(), 1, Integer::sum);
        }
        writer.flush();
        return counts;
    }

    private static boolean reachedEnd(final KafkaConsumer<?, ?> consumer, final Map<TopicPartition, Long> endOffsets) {
        for (final Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void checkStreamsAlive(final LocalStack stack) {
        final KafkaStreams.State state = stack.streamsApp().state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("The streams app stopped (state " + state
                    + ") before processing every snapshot; see the log output above");
        }
    }

    private static KafkaProducer<String, Snapshot> producer(final LocalStack stack) {
        final Map<String, Object> props = new HashMap<>(stack.serdeConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        final SpecificAvroSerde<Snapshot> valueSerde = new SpecificAvroSerde<>();
        valueSerde.configure(props, false);
        return new KafkaProducer<>(props, new StringSerializer(), valueSerde.serializer());
    }

    /** Returns a new name in the folder of {@code output}, so the final move stays on one file system. */
    private static Path temporaryOutput(final Path output) {
        return output.resolveSibling("." + output.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /**
     * Checks the output path and opens the temporary file before anything starts, so an unwritable
     * path fails in a second rather than after the whole replay.
     */
    private static BufferedWriter openOutput(final Path output, final Path temporary) {
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("Output path is a folder: " + output
                    + ". Pass a file name, e.g. events.jsonl");
        }
        final Path parent = output.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("Folder of the output file not found: " + parent
                    + ". Create it first or pass another --output");
        }
        if (Files.exists(output) && !Files.isWritable(output)) {
            throw new IllegalArgumentException("The output file " + output
                    + " is read-only. Check its permissions or pass another --output");
        }
        try {
            return Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot create a file in the folder of the output file " + output
                    + " (" + e.getClass().getSimpleName() + "). Check the folder's permissions or pass another --output",
                    e);
        }
    }

    private static void moveIntoPlace(final Path temporary, final Path output) throws IOException {
        try {
            Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            // Fall back to a plain move where the file system cannot rename atomically.
            Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTemporary(final Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (final IOException e) {
            LOG.warn("Failed to delete the temporary output file {}: {}", temporary, e.toString());
        }
    }
}
