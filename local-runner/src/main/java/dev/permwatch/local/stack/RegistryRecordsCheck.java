package dev.permwatch.local.stack;

import dev.permwatch.local.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a local stack from starting with an empty Schema Registry next to topics that already
 * contain Avro records, as after the registry's data file was deleted or not copied with the
 * rest of the data folder. An empty registry numbers schemas from 1 again, so those records could
 * no longer be decoded, or would be decoded with the wrong schema.
 */
final class RegistryRecordsCheck {

    private static final long TIMEOUT_SECONDS = 30;
    private static final long RETRY_PAUSE_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryRecordsCheck.class);

    private RegistryRecordsCheck() {
    }

    /**
     * Checks that no permwatch topic written with registry ids contains a record.
     *
     * @param registryFile  the registry's data file, named in the error
     * @param createdTopics topics this start created. They are empty, so they are skipped, and so no
     *                      offsets are requested before their partitions have a leader.
     * @throws StartFailedException if a topic contains records, naming the topic and the fix
     */
    static void rejectRecordsWithoutSchemas(final Admin admin, final Path registryFile,
                                            final Collection<String> createdTopics) {
        final TopicSetup.TopicNames names = TopicSetup.TopicNames.defaults();
        // The topics whose every value is Avro in the Confluent wire format. The dead-letter topic
        // is left out, because it contains whatever bytes the streams app rejected.
        final List<String> topics = new ArrayList<>(List.of(names.snapshots(), names.changes(), names.catalog(),
                names.diffReports(), names.pollStatus(), names.alerts()));
        topics.removeAll(createdTopics);
        if (topics.isEmpty()) {
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                check(admin, registryFile, topics);
                return;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailedException("Stopped while checking the permwatch topics for records", e);
            } catch (final ExecutionException e) {
                // A broker that has just started may not have elected the partition leaders yet.
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw failed(e);
                }
                LOG.info("Retrying the check of the permwatch topics for records: {}", e.getCause().toString());
                sleep(RETRY_PAUSE_MILLIS);
            } catch (final TimeoutException e) {
                throw failed(e);
            }
        }
    }

    private static void check(final Admin admin, final Path registryFile, final List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // In the order of topics, so the error names the snapshots topic when it has records.
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics) {
            descriptions.get(topic).partitions()
                    .forEach(partition -> partitions.add(new TopicPartition(topic, partition.partition())));
        }
        final Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (final TopicPartition partition : partitions) {
            earliest.put(partition, OffsetSpec.earliest());
            latest.put(partition, OffsetSpec.latest());
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start =
                admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (final TopicPartition partition : partitions) {
            final long firstOffset = start.get(partition).offset();
            final long endOffset = end.get(partition).offset();
            if (endOffset > firstOffset) {
                throw new StartFailedException("The Schema Registry has no schemas, but topic " + partition.topic()
                        + " already contains records (offsets " + firstOffset + " to " + (endOffset - 1)
                        + ") written with schema ids of an earlier registry. Its data file " + registryFile
                        + " was deleted or not copied with the data folder. A new registry would number"
                        + " schemas from 1 again and could not decode those records. Restore "
                        + registryFile.getFileName() + " from a backup of this data folder, or start with"
                        + " a new data folder.");
            }
        }
    }

    private static StartFailedException failed(final Exception e) {
        return new StartFailedException("Failed to check the permwatch topics for records written with an earlier"
                + " Schema Registry: " + e + ". See kafka.log in the data folder", e);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailedException("Stopped while checking the permwatch topics for records", e);
        }
    }
}
