package dev.permwatch.local.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Parts started in order and stopped in reverse order. Not thread-safe: the owner starts the parts
 * and stops them from its own close.
 */
public final class StartedParts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartedParts.class);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Records a started part, to be stopped before every part started earlier. */
    public void add(final AutoCloseable part) {
        parts.push(part);
    }

    /** Stops every part, the last started first. Safe to call twice. */
    @Override
    public void close() {
        while (!parts.isEmpty()) {
            final AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (final Exception e) {
                // Keep stopping the rest: a broker left running would hold the data folder.
                LOG.warn("Failed to stop {}: {}", part.getClass().getSimpleName(), e.toString(), e);
            }
        }
    }
}
