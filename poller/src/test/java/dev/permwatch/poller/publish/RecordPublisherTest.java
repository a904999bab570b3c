package dev.permwatch.poller.publish;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.schemas.Sources;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

class RecordPublisherTest {

    private static final String TOPIC = "permwatch.snapshots";
    private static final RecordPublisher.Topics TOPICS = new RecordPublisher.Topics(TOPIC, "permwatch.poll-status",
            "permwatch.alerts");
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";

    private static Snapshot snapshot() {
        final PermissionGroup group = PermissionGroup.newBuilder()
                .setId("c8fed203ed3043cba015a93ad1616f1f")
                .setName("Zone Read")
                .setExtraFields(Map.of())
                .build();
        return SnapshotFactory.create(Sources.account(ACCOUNT), Instant.parse("2026-01-22T10:15:30.123Z"),
                List.of(group), PollMetadata.newBuilder().setOrigin("https://api.cloudflare.com/client/v4").build());
    }

    private static MockProducer<String, SpecificRecord> producer(final boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), new TestRecordSerializer());
    }

    @Test
    void publishWritesKeyedRecord() throws PublishException {
        final MockProducer<String, SpecificRecord> producer = producer(true);
        final Snapshot snapshot = snapshot();

        final RecordMetadata metadata = new RecordPublisher(producer, TOPICS).publish(snapshot);

        assertThat(metadata.topic()).isEqualTo(TOPIC);
        assertThat(metadata.offset()).isZero();
        assertThat(producer.history()).hasSize(1);
        final ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(TOPIC);
        assertThat(record.key()).isEqualTo("account:" + ACCOUNT);
        assertThat(record.value()).isEqualTo(snapshot);
        assertThat(record.timestamp()).isEqualTo(snapshot.getFetchedAt().toEpochMilli());
    }

    @Test
    void publishWaitsForAcknowledgement() {
        final MockProducer<String, SpecificRecord> producer = producer(false);
        final RecordPublisher publisher = new RecordPublisher(producer, TOPICS);

        final CompletableFuture<RecordMetadata> result = CompletableFuture.supplyAsync(() -> {
            try {
                return publisher.publish(snapshot());
            } catch (final PublishException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

        assertThat(result).isNotDone();
        producer.completeNext();
        assertThat(result.join().topic()).isEqualTo(TOPIC);
    }

    @Test
    void failedSendIsPublishException() {
        final MockProducer<String, SpecificRecord> producer = producer(false);
        final RecordPublisher publisher = new RecordPublisher(producer, TOPICS);
        final Snapshot snapshot = snapshot();

        final CompletableFuture<PublishException> failure = CompletableFuture.supplyAsync(
                () -> catchThrowableOfType(PublishException.class, () -> publisher.publish(snapshot)));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for permwatch.snapshots-0"));

        final PublishException error = failure.join();
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains(snapshot.getSnapshotId()).contains(TOPIC).contains("Expiring");
    }

    @Test
    void synchronousSendErrorIsPublishException() {
        final MockProducer<String, SpecificRecord> producer = producer(true);
        producer.sendException = new KafkaException("Failed to construct the record");

        final PublishException error = catchThrowableOfType(PublishException.class,
                () -> new RecordPublisher(producer, TOPICS).publish(snapshot()));

        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("Failed to construct the record");
    }

    @Test
    void sendAfterCloseIsPublishException() {
        final MockProducer<String, SpecificRecord> producer = producer(true);
        final RecordPublisher publisher = new RecordPublisher(producer, TOPICS);
        publisher.close();

        final PublishException error = catchThrowableOfType(PublishException.class, () -> publisher.publish(snapshot()));

        assertThat(error).isNotNull();
        assertThat(producer.closed()).isTrue();
    }
}
