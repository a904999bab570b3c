package dev.permwatch.poller.config;

import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;

import java.util.Objects;

/**
 * One configured source: the name used in configuration keys and logs, the Cloudflare list it
 * polls and its schedule.
 */
public record SourceConfig(String name, Source source, PollSchedule schedule) {

    public SourceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(schedule, "schedule");
    }

    /** Returns the source key used on every topic, {@code user} or {@code account:<id>}. */
    public String sourceKey() {
        return Sources.key(source);
    }
}
