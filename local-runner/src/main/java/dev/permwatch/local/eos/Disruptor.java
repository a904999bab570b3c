package dev.permwatch.local.eos;

import dev.permwatch.local.kafka.EmbeddedKafkaBroker;
import dev.permwatch.local.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link DisruptionPlan} on its own thread while the poller keeps writing snapshots:
 * the poller triggers each event at its step, and the thread waits for the event's moment
 * (RUNNING plus a random delay, or only the delay for kills during startup), then kills and
 * restarts a streams-app instance or restarts the broker.
 *
 * <p>Between events the thread also measures how long each restarted instance takes to reach
 * RUNNING, and restarts an instance that exited without being killed, counting it as an
 * unexpected exit.
 */
final class Disruptor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Disruptor.class);

    private static final Duration IDLE_CHECK = Duration.ofMillis(50);
    /** An instance that exits by itself more often than this ends the run: it is broken, not disrupted. */
    private static final int MAX_UNEXPECTED_EXITS = 10;

    private final DisruptionPlan plan;
    private final List<StreamsInstance> instances;
    private final EmbeddedKafkaBroker broker;
    private final Random random;
    private final Duration runningTimeout;
    private final BlockingQueue<DisruptionPlan.Event> triggered = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object lock = new Object();

    /** Instances left dead on purpose (failover); the unexpected-exit check skips them. */
    private final boolean[] parked;
    /** Start time (System.nanoTime) of each restart whose RUNNING has not been seen yet. */
    private final Map<StreamsInstance, Long> awaitingRunning = new HashMap<>();
    private final List<Duration> restartTimes = new ArrayList<>();
    private final List<Duration> brokerRestartTimes = new ArrayList<>();
    private final List<Integer> failoverPartitions = new ArrayList<>();
    private int completed;
    private int kills;
    private int restarts;
    private int stateWipes;
    private int brokerRestarts;
    private int failovers;
    private int unexpectedExits;
    private volatile boolean stopping;
    private volatile Throwable failure;

    Disruptor(final DisruptionPlan plan, final List<StreamsInstance> instances, final EmbeddedKafkaBroker broker,
              final Random random, final Duration runningTimeout) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.instances = List.copyOf(instances);
        this.broker = Objects.requireNonNull(broker, "broker");
        this.random = Objects.requireNonNull(random, "random");
        this.runningTimeout = Objects.requireNonNull(runningTimeout, "runningTimeout");
        this.parked = new boolean[instances.size()];
        this.thread = new Thread(this::loop, "permwatch-eos-disruptor");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands event {@code index} of the plan to the thread. Called by the poller at the event's step. */
    void trigger(final int index) {
        triggered.add(plan.events().get(index));
    }

    /**
     * Waits until {@code count} events are done.
     *
     * @throws IllegalStateException if the thread failed or the timeout passed
     */
    void awaitCompleted(final int count, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (completed < count) {
                throwIfFailed();
                final long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for fault "
                            + (completed + 1) + " of " + plan.events().size() + " to finish");
                }
                lock.wait(Math.min(leftMillis, 200));
            }
        }
        throwIfFailed();
    }

    /** Throws if the thread stopped on an error, with that error as cause. */
    void throwIfFailed() {
        final Throwable cause = failure;
        if (cause != null) {
            throw new IllegalStateException("The fault thread failed: " + cause.getMessage(), cause);
        }
    }

    /** Returns whether {@code instance} was left dead on purpose by a failover. */
    boolean isParked(final StreamsInstance instance) {
        synchronized (lock) {
            return parked[instances.indexOf(instance)];
        }
    }

    /**
     * Returns the counts so far, including restart times measured until now.
     */
    FaultCounts counts() {
        synchronized (lock) {
            return new FaultCounts(kills, restarts, stateWipes, brokerRestarts, failovers, unexpectedExits,
                    List.copyOf(restartTimes), List.copyOf(brokerRestartTimes), List.copyOf(failoverPartitions));
        }
    }

    /** Records that {@code instance} was started at {@code startNanos}, outside this thread, for the restart times. */
    void recordStart(final StreamsInstance instance, final long startNanos) {
        synchronized (lock) {
            awaitingRunning.put(instance, startNanos);
        }
    }

    /** Measures restarts that reached RUNNING since the last call; called at the end of the run too. */
    void measureRestarts() {
        synchronized (lock) {
            awaitingRunning.entrySet().removeIf(entry -> {
                if (!entry.getKey().isRunning()) {
                    return false;
                }
                restartTimes.add(Duration.ofNanos(System.nanoTime() - entry.getValue()));
                return true;
            });
        }
    }

    /** Stops the thread after the current event and waits for it. */
    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(60).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!stopping) {
                final DisruptionPlan.Event event = triggered.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                measureRestarts();
                restartUnexpectedExits();
                if (event == null) {
                    continue;
                }
                carryOut(event);
                synchronized (lock) {
                    completed++;
                    lock.notifyAll();
                }
            }
        } catch (final InterruptedException e) {
            if (!stopping) {
                failure = e;
            }
        } catch (final RuntimeException e) {
            LOG.error("Fault thread failed", e);
            failure = e;
        } finally {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    private void carryOut(final DisruptionPlan.Event event) throws InterruptedException {
        final int number;
        synchronized (lock) {
            number = completed + 1;
        }
        final String label = "Fault " + number + " of " + plan.events().size();
        if (event.kind() == DisruptionPlan.Kind.BROKER_RESTART) {
            Thread.sleep(event.delayMillis());
            LOG.info("{}: restarting the Kafka broker on {}", label, broker.bootstrapServers());
            final long startNanos = System.nanoTime();
            broker.restart();
            final Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            synchronized (lock) {
                brokerRestarts++;
                brokerRestartTimes.add(took);
            }
            LOG.info("{}: Kafka broker back on {} after {} ms", label, broker.bootstrapServers(), took.toMillis());
            return;
        }

        final StreamsInstance target = target(event.kind());
        if (!event.duringStartup() && !target.awaitRunning(runningTimeout)) {
            throw new IllegalStateException(target.name() + " (process " + target.pid() + ") did not reach RUNNING within "
                    + runningTimeout.toSeconds() + " s; see " + target.logFile());
        }
        measureRestarts();
        Thread.sleep(event.delayMillis());
        if (!target.isAlive()) {
            // It exited by itself during the delay; the unexpected-exit check restarts it.
            restartUnexpectedExits();
        }
        final boolean wasRunning = target.isRunning();
        final List<Integer> ownedBeforeKill = event.kind() == DisruptionPlan.Kind.FAILOVER
                ? ownedSnapshotPartitions(target) : List.of();
        final long pid = target.kill();
        synchronized (lock) {
            kills++;
            awaitingRunning.remove(target);
        }
        LOG.info("{}: killed {} (process {}) with SIGKILL {} ms after {}, {} RUNNING ({})", label, target.name(), pid,
                event.delayMillis(), event.duringStartup() ? "the trigger" : "RUNNING",
                wasRunning ? "while" : "before", event.kind());

        if (event.kind() == DisruptionPlan.Kind.FAILOVER) {
            synchronized (lock) {
                failoverPartitions.addAll(ownedBeforeKill);
                parked[instances.indexOf(target)] = true;
                failovers++;
            }
            LOG.info("{}: {} stays down; the other instance must take over its snapshot partitions {}", label,
                    target.name(), ownedBeforeKill);
            return;
        }
        if (event.kind() == DisruptionPlan.Kind.KILL_AND_WIPE) {
            target.wipeState();
            synchronized (lock) {
                stateWipes++;
            }
        }
        restart(target, label, event.kind() == DisruptionPlan.Kind.KILL_AND_WIPE ? "state folder deleted" : "state kept");
    }

    private void restart(final StreamsInstance target, final String label, final String stateNote) {
        final long startNanos = System.nanoTime();
        target.start();
        synchronized (lock) {
            restarts++;
            awaitingRunning.put(target, startNanos);
        }
        LOG.info("{}: restarted {} as process {} ({})", label, target.name(), target.pid(), stateNote);
    }

    /** Picks the instance to kill: the failover target is the second one, a plain kill any instance not parked. */
    private StreamsInstance target(final DisruptionPlan.Kind kind) {
        if (kind == DisruptionPlan.Kind.FAILOVER) {
            return instances.get(instances.size() - 1);
        }
        final List<StreamsInstance> candidates = new ArrayList<>();
        synchronized (lock) {
            for (int i = 0; i < instances.size(); i++) {
                if (!parked[i]) {
                    candidates.add(instances.get(i));
                }
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    /**
     * Returns the snapshots-topic partitions assigned to {@code instance}'s consumer, from the
     * consumer group of the classic protocol, which Kafka Streams 4.4 uses by default.
     */
    private List<Integer> ownedSnapshotPartitions(final StreamsInstance instance) {
        final String clientIdPrefix = instance.clientId() + "-";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            final ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(instance.applicationId()))
                    .all().get(30, TimeUnit.SECONDS).get(instance.applicationId());
            final List<Integer> owned = new ArrayList<>();
            for (final MemberDescription member : group.members()) {
                if (!member.clientId().startsWith(clientIdPrefix)) {
                    continue;
                }
                for (final TopicPartition partition : member.assignment().topicPartitions()) {
                    if (partition.topic().equals(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC)) {
                        owned.add(partition.partition());
                    }
                }
            }
            owned.sort(Integer::compare);
            return owned;
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe the consumer group " + instance.applicationId()
                    + " before the failover: " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the consumer group", e);
        }
    }

    private void restartUnexpectedExits() {
        for (int i = 0; i < instances.size(); i++) {
            final StreamsInstance instance = instances.get(i);
            final boolean isParked;
            synchronized (lock) {
                isParked = parked[i];
            }
            if (isParked || instance.isAlive() || instance.pid() < 0) {
                continue;
            }
            final int exits;
            synchronized (lock) {
                exits = ++unexpectedExits;
            }
            LOG.warn("{} (process {}) exited without being killed ({} so far); restarting it. See {}",
                    instance.name(), instance.pid(), exits, instance.logFile());
            if (exits > MAX_UNEXPECTED_EXITS) {
                throw new IllegalStateException(instance.name() + " exited by itself " + exits
                        + " times; see " + instance.logFile());
            }
            restart(instance, "Unexpected exit " + exits, "state kept");
        }
    }
}
