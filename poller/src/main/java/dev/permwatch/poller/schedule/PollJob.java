package dev.permwatch.poller.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Quartz job of one source. {@link DisallowConcurrentExecution} makes Quartz hold a fire
 * while the previous poll of the same source still runs, so one source is never polled twice at once.
 */
@DisallowConcurrentExecution
final class PollJob implements InterruptableJob {

    /** Trigger data key: milliseconds to wait before polling, to spread sources apart. */
    static final String DELAY_MILLIS = "permwatch.delayMillis";

    private final Runnable poll;
    private final CountDownLatch closing;
    /** Thread running {@link #execute}; null before and after. */
    private volatile Thread runner;

    PollJob(final Runnable poll, final CountDownLatch closing) {
        this.poll = poll;
        this.closing = closing;
    }

    @Override
    public void execute(final JobExecutionContext context) {
        runner = Thread.currentThread();
        try {
            run(context);
        } finally {
            runner = null;
        }
    }

    /**
     * Interrupts the running poll, so a blocked HTTP request, retry wait or Kafka send ends. The
     * poll then fails as interrupted and produces no snapshot.
     */
    @Override
    public void interrupt() {
        final Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run(final JobExecutionContext context) {
        final long delayMillis = context.getMergedJobDataMap().containsKey(DELAY_MILLIS)
                ? context.getMergedJobDataMap().getLong(DELAY_MILLIS) : 0;
        if (delayMillis > 0) {
            try {
                if (closing.await(delayMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        poll.run();
    }
}
