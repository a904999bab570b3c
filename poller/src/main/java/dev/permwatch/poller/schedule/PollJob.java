package dev.permwatch.poller.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of one source. {@link DisallowConcurrentExecution} makes Quartz hold a fire
 * while the previous poll of the same source still runs, so one source is never polled twice at once.
 */
@DisallowConcurrentExecution
final class PollJob implements Job {

    private final Runnable poll;

    PollJob(final Runnable poll) {
        this.poll = poll;
    }

    @Override
    public void execute(final JobExecutionContext context) {
        poll.run();
    }
}
