package dev.permwatch.poller.config;

import java.time.Duration;
import java.util.Objects;

/** When one source is polled: at a fixed interval or on a Quartz cron expression. */
public sealed interface PollSchedule permits PollSchedule.Interval, PollSchedule.Cron {

    /** Returns the schedule as written in logs, for example {@code every PT15M}. */
    String describe();

    /** Polls every {@code period}, first at start. */
    record Interval(Duration period) implements PollSchedule {
        public Interval {
            Objects.requireNonNull(period, "period");
        }

        @Override
        public String describe() {
            return "every " + period;
        }
    }

    /**
     * Polls on a Quartz cron expression evaluated in UTC, plus once at start.
     *
     * @param expression a valid Quartz cron expression, for example {@code 0 0/15 * * * ?}
     */
    record Cron(String expression) implements PollSchedule {
        public Cron {
            Objects.requireNonNull(expression, "expression");
        }

        @Override
        public String describe() {
            return "cron '" + expression + "' (UTC)";
        }
    }
}
