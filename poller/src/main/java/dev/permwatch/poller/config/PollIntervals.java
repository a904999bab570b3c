package dev.permwatch.poller.config;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and checks poll intervals and cron expressions. */
final class PollIntervals {

    /**
     * Shortest accepted time between two polls of one source. Cloudflare allows 1,200 requests per
     * 5 minutes per user, shared with the dashboard and every other client of that user, so
     * polling a list that changes a few times a month more often than this only burns that budget.
     */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    /** Number of consecutive cron fire times checked against {@link #MIN_INTERVAL}. */
    private static final int CRON_FIRES_CHECKED = 20;

    private static final Pattern SHORT_FORM = Pattern.compile("(\\d{1,9})([smhd])");

    private PollIntervals() {
    }

    /**
     * Parses an interval written as an ISO-8601 duration ({@code PT15M}) or as a number with a
     * unit {@code s}, {@code m}, {@code h} or {@code d} ({@code 15m}).
     *
     * @throws PollerConfigException if the text is neither form or the interval is below
     *                               {@link #MIN_INTERVAL}
     */
    static Duration parseInterval(final String key, final String text) {
        final Duration interval = parseDuration(key, text);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new PollerConfigException(key, "Invalid value '" + text + "' for " + key
                    + ": the interval must be at least " + MIN_INTERVAL.toSeconds()
                    + "s, because Cloudflare's rate limit is shared with every other client of the"
                    + " user; write for example 15m");
        }
        return interval;
    }

    private static Duration parseDuration(final String key, final String text) {
        final Matcher shortForm = SHORT_FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            final long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (final DateTimeParseException e) {
            throw new PollerConfigException(key, "Invalid value '" + text + "' for " + key
                    + ": expected an ISO-8601 duration such as PT15M, or a number with unit s, m, h"
                    + " or d such as 30s, 15m or 1h");
        }
    }

    /**
     * Checks a Quartz cron expression (seconds field first, for example {@code 0 0/15 * * * ?}).
     *
     * @throws PollerConfigException if the expression is invalid, never fires, or fires more
     *                               often than every {@link #MIN_INTERVAL}
     */
    static String checkCron(final String key, final String expression) {
        if (!CronExpression.isValidExpression(expression)) {
            throw new PollerConfigException(key, "Invalid value '" + expression + "' for " + key
                    + ": not a Quartz cron expression (" + cronParseError(expression)
                    + "); Quartz cron has a seconds field first, for example '0 0/15 * * * ?'"
                    + " for every 15 minutes");
        }
        final CronExpression cron = newCron(expression);
        Date previous = cron.getNextValidTimeAfter(new Date());
        if (previous == null) {
            throw new PollerConfigException(key, "Invalid value '" + expression + "' for " + key
                    + ": the expression never fires again; write a recurring schedule such as"
                    + " '0 0/15 * * * ?'");
        }
        for (int i = 0; i < CRON_FIRES_CHECKED; i++) {
            final Date next = cron.getNextValidTimeAfter(previous);
            if (next == null) {
                break;
            }
            final long gapMillis = next.getTime() - previous.getTime();
            if (gapMillis < MIN_INTERVAL.toMillis()) {
                throw new PollerConfigException(key, "Invalid value '" + expression + "' for " + key
                        + ": it fires " + gapMillis / 1000 + "s apart, below the minimum of "
                        + MIN_INTERVAL.toSeconds() + "s; write for example '0 0/15 * * * ?'");
            }
            previous = next;
        }
        return expression;
    }

    private static String cronParseError(final String expression) {
        try {
            new CronExpression(expression);
            return "unknown reason";
        } catch (final ParseException e) {
            return e.getMessage();
        }
    }

    private static CronExpression newCron(final String expression) {
        try {
            final CronExpression cron = new CronExpression(expression);
            cron.setTimeZone(TimeZone.getTimeZone("UTC"));
            return cron;
        } catch (final ParseException e) {
            throw new IllegalStateException("Quartz accepted the cron expression and then failed to parse it", e);
        }
    }
}
