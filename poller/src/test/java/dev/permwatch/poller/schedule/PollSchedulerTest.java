package dev.permwatch.poller.schedule;

import dev.permwatch.poller.config.PollSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PollSchedulerTest {

    private static final Duration GENEROUS = Duration.ofSeconds(20);

    /** Counts polls and the largest number that ran at the same time. */
    private static final class CountingPoll implements Runnable {
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger maxRunning = new AtomicInteger();
        private final CountDownLatch release;

        CountingPoll(final CountDownLatch release) {
            this.release = release;
        }

        @Override
        public void run() {
            final int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            started.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Test
    void slowPollNeverRunsConcurrently() {
        final CountDownLatch release = new CountDownLatch(1);
        final CountingPoll poll = new CountingPoll(release);
        // Shorter than the configuration allows, so fires pile up behind the blocked poll.
        final PollScheduler.Task task = new PollScheduler.Task("user", new PollSchedule.Interval(Duration.ofMillis(50)), poll);

        try (PollScheduler scheduler = new PollScheduler(List.of(task), Duration.ZERO)) {
            scheduler.start();
            await().atMost(GENEROUS).until(() -> poll.started.get() == 1);
            await().during(Duration.ofMillis(500)).atMost(GENEROUS).until(() -> poll.started.get() == 1);

            release.countDown();
            await().atMost(GENEROUS).until(() -> poll.started.get() >= 3);
        }

        assertThat(poll.maxRunning.get()).isEqualTo(1);
    }

    @Test
    void twoSourcesBothPoll() {
        final CountDownLatch noWait = new CountDownLatch(0);
        final CountingPoll user = new CountingPoll(noWait);
        final CountingPoll account = new CountingPoll(noWait);

        try (PollScheduler scheduler = new PollScheduler(List.of(
                new PollScheduler.Task("user", new PollSchedule.Interval(Duration.ofHours(1)), user),
                new PollScheduler.Task("main", new PollSchedule.Interval(Duration.ofHours(1)), account)),
                Duration.ofMillis(100))) {
            scheduler.start();

            await().atMost(GENEROUS).until(() -> user.started.get() == 1 && account.started.get() == 1);
        }

        assertThat(user.started.get()).isEqualTo(1);
        assertThat(account.started.get()).isEqualTo(1);
    }

    @Test
    void cronSourcePollsAtStart() {
        final CountingPoll poll = new CountingPoll(new CountDownLatch(0));
        final PollScheduler.Task task = new PollScheduler.Task("user", new PollSchedule.Cron("0 0 0 1 1 ? 2099"), poll);

        try (PollScheduler scheduler = new PollScheduler(List.of(task), Duration.ZERO)) {
            scheduler.start();

            await().atMost(GENEROUS).until(() -> poll.started.get() == 1);
        }
    }

    @Test
    void schedulersInOneJvmHaveDistinctNames() {
        final PollScheduler.Task task = new PollScheduler.Task("user", new PollSchedule.Interval(Duration.ofHours(1)), () -> { });

        try (PollScheduler first = new PollScheduler(List.of(task), Duration.ZERO);
             PollScheduler second = new PollScheduler(List.of(task), Duration.ZERO)) {
            first.start();
            second.start();

            assertThat(first.name()).isNotEqualTo(second.name());
        }
    }

    @Test
    void closeWaitsForRunningPoll() {
        final CountDownLatch release = new CountDownLatch(1);
        final CountingPoll poll = new CountingPoll(release);
        final PollScheduler scheduler = new PollScheduler(List.of(
                new PollScheduler.Task("user", new PollSchedule.Interval(Duration.ofHours(1)), poll)), Duration.ZERO);
        scheduler.start();
        await().atMost(GENEROUS).until(() -> poll.running.get() == 1);

        final CompletableFuture<Void> closing = CompletableFuture.runAsync(scheduler::close);
        await().during(Duration.ofMillis(300)).atMost(GENEROUS).until(() -> !closing.isDone());

        release.countDown();
        closing.join();
        assertThat(poll.running.get()).isZero();
    }

    @Test
    void duplicateNamesAreRejected() {
        final PollScheduler.Task task = new PollScheduler.Task("user", new PollSchedule.Interval(Duration.ofHours(1)), () -> { });

        assertThatThrownBy(() -> new PollScheduler(List.of(task, task), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'user'");
    }
}
