package dev.permwatch.local.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedKafkaBrokerTest {

    @TempDir
    Path dataDir;

    @Test
    void restartKeepsRecordsAndTopics() throws Exception {
        final String topic = "restart-check";

        // First run: create the permwatch topics plus one test topic and commit a record in a transaction.
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0)) {
            broker.start();
            try (Admin admin = admin(broker)) {
                final TopicSetup setup = new TopicSetup(admin, 1, (short) 1);
                assertThat(setup.createMissing()).containsExactlyInAnyOrder(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC,
                        TopicSetup.DEFAULT_CHANGES_TOPIC, TopicSetup.DEFAULT_CATALOG_TOPIC,
                        TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC, TopicSetup.DEFAULT_POLL_STATUS_TOPIC,
                        TopicSetup.DEFAULT_ALERTS_TOPIC, TopicSetup.DEFAULT_DEAD_LETTER_TOPIC,
                        TopicSetup.DEFAULT_CONTROL_TOPIC);
                assertThat(setup.createMissing()).isEmpty();
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                        .all().get();
            }
            try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "user", "first run"));
                producer.commitTransaction();
            }
        }

        // Second run on the same folder, most likely on another port.
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0)) {
            broker.start();

            final List<ConsumerRecord<String, String>> records = readAll(broker, topic, 1);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("first run");

            try (Admin admin = admin(broker)) {
                final ConfigResource catalog = new ConfigResource(ConfigResource.Type.TOPIC,
                        TopicSetup.DEFAULT_CATALOG_TOPIC);
                final ConfigResource changes = new ConfigResource(ConfigResource.Type.TOPIC,
                        TopicSetup.DEFAULT_CHANGES_TOPIC);
                final ConfigResource pollStatus = new ConfigResource(ConfigResource.Type.TOPIC,
                        TopicSetup.DEFAULT_POLL_STATUS_TOPIC);
                final ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC,
                        TopicSetup.DEFAULT_ALERTS_TOPIC);
                final Map<ConfigResource, Config> configs = admin.describeConfigs(
                        List.of(catalog, changes, pollStatus, alerts)).all().get();
                assertThat(configs.get(catalog).get("cleanup.policy").value()).isEqualTo("compact");
                assertThat(configs.get(changes).get("retention.ms").value()).isEqualTo("-1");
                assertThat(configs.get(pollStatus).get("retention.ms").value())
                        .isEqualTo(String.valueOf(java.time.Duration.ofDays(30).toMillis()));
                assertThat(configs.get(pollStatus).get("message.timestamp.type").value())
                        .as("retention of poll status counts from the append time, not the fetch time")
                        .isEqualTo("LogAppendTime");
                assertThat(configs.get(alerts).get("retention.ms").value()).isEqualTo("-1");
                assertThat(new TopicSetup(admin, 1, (short) 1).createMissing()).isEmpty();
            }
        }
    }

    @Test
    void restartKeepsPortAndCommittedData() throws Exception {
        final String topic = "in-place-restart";
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0)) {
            broker.start();
            final String bootstrapBefore = broker.bootstrapServers();
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                        .all().get();
            }

            // One producer lives across the restart: it must reconnect to the same address by itself.
            try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "user", "before restart"));
                producer.commitTransaction();

                broker.restart();

                assertThat(broker.bootstrapServers()).isEqualTo(bootstrapBefore);
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "user", "after restart"));
                producer.commitTransaction();
            }

            final List<ConsumerRecord<String, String>> records = readAll(broker, topic, 2);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("before restart", "after restart");
            try (Admin admin = admin(broker)) {
                assertThat(admin.listTopics().names().get()).contains(topic);
            }
        }
    }

    @Test
    void restartBeforeStartIsRejected() {
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(broker::restart)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start()");
    }

    @Test
    void bootstrapServersBeforeStartIsRejected() {
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(broker::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start()");
    }

    private static Admin admin(final EmbeddedKafkaBroker broker) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(props);
    }

    private static KafkaProducer<String, String> transactionalProducer(final EmbeddedKafkaBroker broker) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-check");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> readAll(final EmbeddedKafkaBroker broker,
                                                                final String topic, final int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
