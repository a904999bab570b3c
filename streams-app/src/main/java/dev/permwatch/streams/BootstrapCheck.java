package dev.permwatch.streams;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks once at start that the brokers respond, because Kafka Streams itself keeps retrying an
 * unreachable {@code bootstrap.servers} without a clear log line. The check only logs: it never
 * stops the app, which connects as soon as the brokers come up.
 */
final class BootstrapCheck {

    /** Time the check waits for the cluster description before it warns. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapCheck.class);

    private BootstrapCheck() {
    }

    /** Runs {@link #reachable} on a daemon thread, so start does not wait for the brokers. */
    static void startAsync(final Map<String, Object> adminConfig, final Duration timeout) {
        final Thread thread = new Thread(() -> reachable(adminConfig, timeout), "permwatch-bootstrap-check");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Describes the cluster with {@code timeout} and logs a WARN when that fails.
     *
     * @param adminConfig admin client configuration derived from the Streams configuration
     * @return whether the brokers responded within the timeout
     */
    static boolean reachable(final Map<String, Object> adminConfig, final Duration timeout) {
        final Object servers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        final long millis = timeout.toMillis();
        try (Admin admin = Admin.create(adminConfig)) {
            final String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) millis))
                    .clusterId()
                    .get(millis, TimeUnit.MILLISECONDS);
            LOG.info("Reached Kafka cluster {} at bootstrap.servers={}", clusterId, servers);
            return true;
        } catch (final ExecutionException | TimeoutException | KafkaException e) {
            final Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("Cannot reach bootstrap.servers={} within {} s ({}); Kafka Streams keeps retrying."
                    + " Check that the brokers run and that bootstrap.servers and the security settings are correct",
                    servers, timeout.toSeconds(), cause.toString());
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
