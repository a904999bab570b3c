package dev.permwatch.poller.schedule;

import dev.permwatch.poller.config.PollSchedule;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.simpl.RAMJobStore;
import org.quartz.simpl.SimpleThreadPool;
import org.quartz.spi.JobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one Quartz job per source in its own in-memory scheduler.
 *
 * <p>Each source polls first right at start, the n-th source {@code n * startSpread} later, so
 * several sources do not hit the API in the same second. Cron fires of the n-th source are
 * delayed by the same {@code n * startSpread}, because sources with the same or overlapping
 * expressions would otherwise fire together. A fire missed while the previous poll of
 * the source was still running, or while the process was paused, runs once as soon as possible
 * and never as a burst of catch-up polls.
 */
public final class PollScheduler implements AutoCloseable {

    /**
     * One scheduled source.
     *
     * @param name     the source name, unique within the scheduler
     * @param schedule when to poll
     * @param poll     one poll, which should not throw; Quartz logs an exception that escapes
     */
    public record Task(String name, PollSchedule schedule, Runnable poll) {
        public Task {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(poll, "poll");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PollScheduler.class);

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String JOB_GROUP = "permwatch-sources";

    /**
     * A fire later than this counts as missed and follows the misfire instruction. Shorter than
     * the 10 s minimum poll interval, so a late fire is never mistaken for the next one.
     */
    private static final long MISFIRE_THRESHOLD_MS = 5_000;

    private final List<Task> tasks;
    private final Duration startSpread;
    private final Scheduler scheduler;
    /** Released by {@link #close()}, so a fire that waits for its spread delay ends at once. */
    private final CountDownLatch closing = new CountDownLatch(1);

    /**
     * Creates the scheduler without starting it.
     *
     * @param tasks       the sources, with unique names; must not be empty
     * @param startSpread delay between the first polls of consecutive sources
     * @throws IllegalStateException if Quartz cannot create the scheduler
     */
    public PollScheduler(final List<Task> tasks, final Duration startSpread) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("At least one source is needed to schedule polls");
        }
        this.tasks = List.copyOf(tasks);
        this.startSpread = Objects.requireNonNull(startSpread, "startSpread");
        // Checked before Quartz starts its worker threads, which would otherwise be left running.
        final JobFactory jobFactory = jobFactory(this.tasks, closing);
        final String name = "permwatch-poller-" + INSTANCES.incrementAndGet();
        try {
            this.scheduler = new StdSchedulerFactory(quartzProperties(name, tasks.size())).getScheduler();
            this.scheduler.setJobFactory(jobFactory);
        } catch (final SchedulerException e) {
            throw new IllegalStateException("Cannot create the Quartz scheduler " + name + ": " + e.getMessage(), e);
        }
    }

    private static Properties quartzProperties(final String name, final int threads) {
        final Properties props = new Properties();
        props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
        // Quartz 2.5.2 contains no update checker. The key keeps older Quartz versions from phoning home.
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, SimpleThreadPool.class.getName());
        props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        props.setProperty("org.quartz.threadPool.threadNamePrefix", name + "-worker");
        props.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, RAMJobStore.class.getName());
        props.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(MISFIRE_THRESHOLD_MS));
        return props;
    }

    private static JobFactory jobFactory(final List<Task> tasks, final CountDownLatch closing) {
        final Map<String, Runnable> pollsByName = new HashMap<>();
        for (final Task task : tasks) {
            if (pollsByName.put(task.name(), task.poll()) != null) {
                throw new IllegalArgumentException("Source name '" + task.name() + "' is scheduled twice");
            }
        }
        return (bundle, scheduler) -> new PollJob(pollsByName.get(bundle.getJobDetail().getKey().getName()), closing);
    }

    /**
     * Schedules every source and starts polling.
     *
     * @throws IllegalStateException if Quartz rejects a job or fails to start
     */
    public void start() {
        final Instant now = Instant.now();
        try {
            for (int i = 0; i < tasks.size(); i++) {
                final Task task = tasks.get(i);
                final Instant firstPoll = now.plus(startSpread.multipliedBy(i));
                final JobDetail job = JobBuilder.newJob(PollJob.class)
                        .withIdentity(JobKey.jobKey(task.name(), JOB_GROUP))
                        .build();
                scheduler.scheduleJob(job, triggers(task, firstPoll, startSpread.multipliedBy(i)), false);
                LOG.info("Scheduled source={} {} first poll at {}", task.name(), task.schedule().describe(), firstPoll);
            }
            scheduler.start();
        } catch (final SchedulerException e) {
            throw new IllegalStateException("Cannot start polling: " + e.getMessage(), e);
        }
    }

    private static Set<Trigger> triggers(final Task task, final Instant firstPoll, final Duration cronDelay) {
        final Set<Trigger> triggers = new LinkedHashSet<>();
        if (task.schedule() instanceof PollSchedule.Interval interval) {
            triggers.add(TriggerBuilder.newTrigger()
                    .withIdentity(task.name() + "-interval", JOB_GROUP)
                    .startAt(Date.from(firstPoll))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(interval.period().toMillis())
                            .repeatForever()
                            .withMisfireHandlingInstructionNowWithRemainingCount())
                    .build());
            return triggers;
        }

        final PollSchedule.Cron cron = (PollSchedule.Cron) task.schedule();
        triggers.add(TriggerBuilder.newTrigger()
                .withIdentity(task.name() + "-start", JOB_GROUP)
                .startAt(Date.from(firstPoll))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build());
        triggers.add(TriggerBuilder.newTrigger()
                .withIdentity(task.name() + "-cron", JOB_GROUP)
                .usingJobData(PollJob.DELAY_MILLIS, cronDelay.toMillis())
                .withSchedule(CronScheduleBuilder.cronSchedule(cron.expression())
                        .inTimeZone(TimeZone.getTimeZone("UTC"))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build());
        return triggers;
    }

    /**
     * Returns whether Quartz is started and neither paused nor shut down. False before
     * {@link #start()}, after {@link #close(Duration)}, and when Quartz failed to query.
     */
    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (final SchedulerException e) {
            return false;
        }
    }

    /** Returns the Quartz scheduler name, unique within the JVM. */
    public String name() {
        try {
            return scheduler.getSchedulerName();
        } catch (final SchedulerException e) {
            throw new IllegalStateException("Cannot read the Quartz scheduler name", e);
        }
    }

    /**
     * Stops scheduling, waits up to {@code grace} for running polls to finish, then interrupts the
     * polls still running and waits for them to end. Safe to call more than once.
     */
    public void close(final Duration grace) {
        closing.countDown();
        try {
            if (scheduler.isShutdown()) {
                return;
            }
            scheduler.standby();
            if (!awaitIdle(grace)) {
                for (final JobExecutionContext running : scheduler.getCurrentlyExecutingJobs()) {
                    LOG.warn("source={} poll still running {} after stop was requested; interrupting it",
                            running.getJobDetail().getKey().getName(), grace);
                    scheduler.interrupt(running.getJobDetail().getKey());
                }
            }
            scheduler.shutdown(true);
        } catch (final SchedulerException e) {
            LOG.warn("Stopping the Quartz scheduler failed: {}", e.getMessage(), e);
        }
    }

    /** Returns true once no poll runs, false if one still runs after {@code grace}. */
    private boolean awaitIdle(final Duration grace) throws SchedulerException {
        final long deadline = System.nanoTime() + grace.toNanos();
        while (!scheduler.getCurrentlyExecutingJobs().isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                // Quartz has no wait for running jobs with a timeout, so check every 50 ms.
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Stops scheduling and waits for running polls to finish, without interrupting them. */
    @Override
    public void close() {
        close(Duration.ofDays(365));
    }
}
