package dev.permwatch.local.soak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock that moves only when {@link #advance} is called, so fetch times, retry waits and rate-limit parks of a
 * soak run do not depend on how fast the machine is. Thread-safe.
 */
public final class ManualClock extends Clock {

    private final AtomicLong millis;

    public ManualClock(final Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** Moves the clock forward; a negative duration is ignored. */
    public void advance(final Duration duration) {
        if (!duration.isNegative()) {
            millis.addAndGet(duration.toMillis());
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final ZoneId zone) {
        throw new UnsupportedOperationException("The soak clock is always UTC");
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }
}
