package dev.permwatch.ops;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One named check behind a health endpoint, for example the Kafka Streams state or the
 * scheduler. The probe is called on every request to the endpoint, so it must be cheap and must
 * not block: it reads state that the app keeps up to date.
 *
 * @param name  short identifier shown in the JSON body, such as {@code streams-state}
 * @param probe returns the current state; an exception it throws counts as down
 */
public record HealthCheck(String name, Supplier<State> probe) {

    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
    }

    /**
     * Result of one probe.
     *
     * @param up     whether the check passes
     * @param detail short text for operators, such as the current state name; never a secret
     */
    public record State(boolean up, String detail) {

        public State {
            Objects.requireNonNull(detail, "detail");
        }

        public static State up(final String detail) {
            return new State(true, detail);
        }

        public static State down(final String detail) {
            return new State(false, detail);
        }
    }
}
