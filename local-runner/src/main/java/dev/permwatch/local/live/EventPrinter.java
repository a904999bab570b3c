package dev.permwatch.local.live;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PollOutcome;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.schemas.Sources;
import dev.permwatch.local.events.ChangeEventLines;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.TopicReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints every new change event, one progress line per processed snapshot, one line per alert and
 * one line per failed poll, reading the changes, diff-reports, alerts and poll-status topics with
 * {@code read_committed}. Poll-status records and alerts contain no API token, so neither do the lines.
 *
 * <p>It starts at the current end of both topics, so a second run does not repeat old events.
 * Events of one poll are printed before the progress line of that poll.
 */
final class EventPrinter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPrinter.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final PrintStream out;
    /** Poll latency in milliseconds per snapshot id, from the poller's listener. */
    private final Map<String, Long> latencies = new ConcurrentHashMap<>();
    private final Thread thread;

    EventPrinter(final String bootstrapServers, final Map<String, String> serdeConfig, final PrintStream out) {
        this.out = out;
        this.consumer = TopicReader.consumer(bootstrapServers, serdeConfig);
        final List<TopicPartition> partitions = TopicReader.partitions(consumer,
                List.of(TopicSetup.DEFAULT_CHANGES_TOPIC, TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC,
                        TopicSetup.DEFAULT_ALERTS_TOPIC, TopicSetup.DEFAULT_POLL_STATUS_TOPIC));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, before the poller writes anything.
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "permwatch-event-printer");
    }

    void start() {
        thread.start();
    }

    /** Records a snapshot the poller accepted, to add its latency to the progress line. */
    void onSnapshot(final Snapshot snapshot) {
        final Long latency = snapshot.getPoll().getLatencyMillis();
        if (latency != null) {
            latencies.put(snapshot.getSnapshotId(), latency);
        }
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                print(consumer.poll(POLL_TIMEOUT));
            }
        } catch (final WakeupException e) {
            // close() called wakeup(): normal stop.
        } catch (final RuntimeException e) {
            LOG.error("Stopped printing change events after an error: {}", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    private void print(final ConsumerRecords<String, SpecificRecord> records) {
        final List<DiffReport> reports = new ArrayList<>();
        for (final ConsumerRecord<String, SpecificRecord> record : records) {
            if (record.value() instanceof ChangeEvent event) {
                out.println(ChangeEventLines.format(event));
            } else if (record.value() instanceof DiffReport report) {
                reports.add(report);
            } else if (record.value() instanceof Alert alert) {
                out.println(alertLine(alert));
            } else if (record.value() instanceof PollStatus status && status.getOutcome() == PollOutcome.FAILED) {
                out.println(failedPollLine(status));
            }
        }
        for (final DiffReport report : reports) {
            final Long latency = latencies.remove(report.getSnapshotId());
            out.println(ChangeEventLines.format(report) + (latency == null ? "" : " latencyMs=" + latency));
        }
        out.flush();
    }

    /** Formats an alert as {@code ALERT <severity> <kind> source=<key> snapshot=<id> <message> action: <action>}. */
    static String alertLine(final Alert alert) {
        final StringBuilder line = new StringBuilder("ALERT ").append(alert.getSeverity()).append(' ')
                .append(alert.getKind());
        line.append(" source=").append(alert.getSource() == null ? "unknown" : Sources.key(alert.getSource()));
        if (alert.getSnapshotId() != null) {
            line.append(" snapshot=").append(alert.getSnapshotId());
        }
        return line.append(' ').append(alert.getMessage()).append(" action: ").append(alert.getAction()).toString();
    }

    /** Formats a failed poll with its reason, HTTP status, Cloudflare error codes and attempts. */
    static String failedPollLine(final PollStatus status) {
        final StringBuilder line = new StringBuilder("POLL FAILED source=").append(Sources.key(status.getSource()))
                .append(" reason=").append(status.getReason());
        if (status.getHttpStatus() != null) {
            line.append(" httpStatus=").append(status.getHttpStatus());
        }
        if (!status.getCloudflareErrorCodes().isEmpty()) {
            line.append(" cloudflareErrors=").append(status.getCloudflareErrorCodes());
        }
        return line.append(" attempts=").append(status.getAttempts())
                .append(" failuresInARow=").append(status.getConsecutiveFailures()).toString();
    }

    @Override
    public void close() {
        if (thread.getState() == Thread.State.NEW) {
            // Never started, so the printing thread cannot close the consumer.
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
