package dev.permwatch.local.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the permwatch topics when they are missing. Existing topics are left unchanged, even
 * when their settings differ. Every created topic gets the same partition count, which also keeps
 * the control topic co-partitioned with the snapshots topic, as the streams app requires.
 *
 * <ul>
 *   <li>snapshots: {@code cleanup.policy=delete}, {@code retention.ms=-1} (kept forever), because
 *       they are the audit record and a new Streams instance rebuilds its state from them;</li>
 *   <li>changes: append-only history, {@code retention.ms=-1} (kept forever);</li>
 *   <li>catalog: {@code cleanup.policy=compact}, one record per group key, tombstones for removed
 *       groups;</li>
 *   <li>diff-reports and poll-status: {@code cleanup.policy=delete}, retention 30 days counted from
 *       the append time ({@code message.timestamp.type=LogAppendTime});</li>
 *   <li>alerts and dead-letter: kept forever, because an alert or an unprocessed record may need
 *       an operator long after it was written;</li>
 *   <li>control: operator commands, retention 30 days from the append time.</li>
 * </ul>
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    public static final String DEFAULT_SNAPSHOTS_TOPIC = "permwatch.snapshots";
    public static final String DEFAULT_CHANGES_TOPIC = "permwatch.changes";
    public static final String DEFAULT_CATALOG_TOPIC = "permwatch.catalog";
    public static final String DEFAULT_DIFF_REPORTS_TOPIC = "permwatch.diff-reports";
    public static final String DEFAULT_POLL_STATUS_TOPIC = "permwatch.poll-status";
    public static final String DEFAULT_ALERTS_TOPIC = "permwatch.alerts";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "permwatch.dead-letter";
    public static final String DEFAULT_CONTROL_TOPIC = "permwatch.control";

    /**
     * Names of the topics to create.
     *
     * @param snapshots   poller output and streams input
     * @param changes     change events
     * @param catalog     compacted catalog
     * @param diffReports one report per processed snapshot
     * @param pollStatus  one record per poll
     * @param alerts      alerts of the poller and the streams app
     * @param deadLetter  input records the streams app could not process
     * @param control     operator commands to the streams app
     */
    public record TopicNames(String snapshots, String changes, String catalog, String diffReports,
                             String pollStatus, String alerts, String deadLetter, String control) {

        /** Returns the default names, as the poller and the streams app use them. */
        public static TopicNames defaults() {
            return new TopicNames(DEFAULT_SNAPSHOTS_TOPIC, DEFAULT_CHANGES_TOPIC, DEFAULT_CATALOG_TOPIC,
                    DEFAULT_DIFF_REPORTS_TOPIC, DEFAULT_POLL_STATUS_TOPIC, DEFAULT_ALERTS_TOPIC,
                    DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_CONTROL_TOPIC);
        }
    }

    static final long DIFF_REPORTS_RETENTION_MS = Duration.ofDays(30).toMillis();
    static final long POLL_STATUS_RETENTION_MS = Duration.ofDays(30).toMillis();
    static final long CONTROL_RETENTION_MS = Duration.ofDays(30).toMillis();

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;

    /**
     * @param admin             admin client of the target cluster; not closed by this class
     * @param partitions        partitions of each created topic, at least 1
     * @param replicationFactor replication factor of each created topic, at least 1
     */
    public TopicSetup(final Admin admin, final int partitions, final short replicationFactor) {
        this.admin = Objects.requireNonNull(admin, "admin");
        if (partitions < 1) {
            throw new IllegalArgumentException("Invalid partition count " + partitions + ": expected at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Invalid replication factor " + replicationFactor
                    + ": expected at least 1");
        }
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Creates each topic that does not exist yet and returns the names of those it created.
     *
     * @throws IllegalStateException if the cluster rejects a topic or does not respond within 30 s
     */
    public List<String> createMissing(final TopicNames names) {
        final List<NewTopic> required = List.of(
                topic(names.snapshots(), keptForever()),
                topic(names.changes(), Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, "-1",
                        TopicConfig.RETENTION_BYTES_CONFIG, "-1")),
                topic(names.catalog(), Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                topic(names.diffReports(), retainedFor(DIFF_REPORTS_RETENTION_MS)),
                topic(names.pollStatus(), retainedFor(POLL_STATUS_RETENTION_MS)),
                topic(names.alerts(), keptForever()),
                topic(names.deadLetter(), keptForever()),
                topic(names.control(), retainedFor(CONTROL_RETENTION_MS)));

        try {
            final Set<String> existing = admin.listTopics().names()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (final NewTopic topic : required) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                return List.of();
            }
            final List<String> created = new ArrayList<>();
            for (final Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result
                    : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(result.getKey());
                    LOG.info("Created topic {} with {} partition(s)", result.getKey(), partitions);
                } catch (final ExecutionException e) {
                    // Another process may have created it between listing and creating.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + result.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the permwatch topics", e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("Kafka did not respond within " + ADMIN_TIMEOUT.toSeconds()
                    + " s while creating the permwatch topics; check bootstrap.servers", e);
        }
    }

    /** Creates the topics under their default names. */
    public List<String> createMissing() {
        return createMissing(TopicNames.defaults());
    }

    private static Map<String, String> keptForever() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1");
    }

    /**
     * Returns the settings of a topic kept for {@code retentionMillis} after each record was written.
     * Records carry the snapshot's fetch time as timestamp, which replay and the soak set far in the
     * past, so retention counts from the broker's append time instead: otherwise the broker could
     * delete a diff report before anyone read it.
     */
    private static Map<String, String> retainedFor(final long retentionMillis) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMillis),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    }

    private NewTopic topic(final String name, final Map<String, String> configs) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Invalid topic name '" + name + "': expected a non-empty name");
        }
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
