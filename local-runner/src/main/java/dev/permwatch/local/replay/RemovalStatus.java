package dev.permwatch.local.replay;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.schemas.Sources;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Removals that the streams app had not emitted when the replay ended.
 *
 * @param pending     number of groups absent from the last diffed snapshot that need more
 *                    absences before they are removed
 * @param held        number of groups whose removal the shrink guard holds
 * @param heldSince   id of the first snapshot whose removals are still held, or null when
 *                    {@code held} is 0
 */
public record RemovalStatus(int pending, int held, String heldSince) {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    /** Returns a status with nothing pending or held. */
    public static RemovalStatus none() {
        return new RemovalStatus(0, 0, null);
    }

    /** Returns the summary lines for pending and held removals, leaving out a count of 0. */
    public List<String> describe() {
        final List<String> lines = new ArrayList<>();
        if (pending > 0) {
            lines.add("pending removals: " + pending + " groups missing from the last file(s) but not yet confirmed;"
                    + " replay more recordings or pass --removal-confirmations 1");
        }
        if (held > 0) {
            lines.add("held removals: " + held + " groups held by the shrink guard since snapshot " + heldSince);
        }
        return lines;
    }

    /**
     * Reads the alerts and catalog topics of {@code stack} to their end and counts the removals of
     * {@code last}'s source that are still held or pending.
     *
     * <p>A group is held while a {@code REMOVALS_HELD} alert names it and no later
     * {@code HELD_REMOVALS_CONFIRMED} alert for the same holding snapshot, nor a
     * {@code HELD_REMOVALS_DISCARDED} alert naming the group, follows. A group is pending when the
     * catalog still contains it, {@code last} does not list it, and it is not held: the catalog
     * gets a tombstone only when the removal is emitted.
     *
     * @param last the newest snapshot that the streams app diffed, not a stale one
     */
    static RemovalStatus read(final LocalStack stack, final Snapshot last) {
        final String sourceKey = Sources.key(last.getSource());
        final Map<String, Set<String>> heldBySnapshot = readHolds(stack, sourceKey);
        final Set<String> held = new HashSet<>();
        heldBySnapshot.values().forEach(held::addAll);

        final Set<String> absent = readCatalogIds(stack, sourceKey);
        for (final PermissionGroup group : last.getGroups()) {
            absent.remove(group.getId());
        }
        absent.removeAll(held);

        final Optional<String> heldSince = heldBySnapshot.keySet().stream().findFirst();
        return new RemovalStatus(absent.size(), held.size(), heldSince.orElse(null));
    }

    /** Returns the held permission ids of {@code sourceKey} by holding snapshot, oldest hold first. */
    private static Map<String, Set<String>> readHolds(final LocalStack stack, final String sourceKey) {
        final Map<String, Set<String>> holds = new LinkedHashMap<>();
        readToEnd(stack, TopicSetup.DEFAULT_ALERTS_TOPIC, (ConsumerRecord<String, Alert> record) -> {
            final Alert alert = record.value();
            if (alert == null || !sourceKey.equals(record.key()) || alert.getSnapshotId() == null) {
                return;
            }
            final String snapshotId = alert.getSnapshotId();
            switch (alert.getKind()) {
                case REMOVALS_HELD -> holds.put(snapshotId, new LinkedHashSet<>(alert.getPermissionIds()));
                case HELD_REMOVALS_CONFIRMED -> holds.remove(snapshotId);
                case HELD_REMOVALS_DISCARDED -> {
                    // A discard names only the groups that came back; the rest of the hold stays.
                    final Set<String> hold = holds.get(snapshotId);
                    if (hold != null) {
                        hold.removeAll(alert.getPermissionIds());
                        if (hold.isEmpty()) {
                            holds.remove(snapshotId);
                        }
                    }
                }
                default -> {
                    // Health and dead-letter alerts do not change removals.
                }
            }
        });
        return holds;
    }

    /** Returns the permission ids of {@code sourceKey} that the compacted catalog still contains. */
    private static Set<String> readCatalogIds(final LocalStack stack, final String sourceKey) {
        final String prefix = sourceKey + "/";
        final Set<String> ids = new HashSet<>();
        readToEnd(stack, TopicSetup.DEFAULT_CATALOG_TOPIC, (ConsumerRecord<String, CatalogEntry> record) -> {
            if (record.key() == null || !record.key().startsWith(prefix)) {
                return;
            }
            final String permissionId = record.key().substring(prefix.length());
            if (record.value() == null) {
                ids.remove(permissionId);
            } else {
                ids.add(permissionId);
            }
        });
        return ids;
    }

    /**
     * Reads {@code topic} from its start to the end offsets taken when reading begins. With
     * read_committed those are the last stable offsets, so every record written in the same
     * transaction as an awaited diff report is read.
     */
    private static <T extends SpecificRecord> void readToEnd(final LocalStack stack, final String topic,
                                                             final Consumer<ConsumerRecord<String, T>> action) {
        try (KafkaConsumer<String, T> consumer = TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
            while (!reachedEnd(consumer, endOffsets)) {
                for (final ConsumerRecord<String, T> record : consumer.poll(POLL_TIMEOUT)) {
                    action.accept(record);
                }
            }
        }
    }

    private static boolean reachedEnd(final KafkaConsumer<?, ?> consumer, final Map<TopicPartition, Long> endOffsets) {
        for (final Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
