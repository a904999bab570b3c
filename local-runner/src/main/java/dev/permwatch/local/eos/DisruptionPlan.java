package dev.permwatch.local.eos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of one exactly-once run, in order, each with the step at which the poller triggers it.
 * Triggers are spread evenly over the steps, so faults strike while the poller is still writing.
 *
 * @param events faults in the order they happen
 */
record DisruptionPlan(List<Event> events) {

    /** Kind of fault. */
    enum Kind {
        /** SIGKILL one streams-app instance and start it again on the same state folder. */
        KILL,
        /** SIGKILL one instance, delete its state folder, then start it again. */
        KILL_AND_WIPE,
        /** Stop the broker and start it again on the same data folder and port. */
        BROKER_RESTART,
        /** SIGKILL the second instance and leave it dead until the end of the run. */
        FAILOVER
    }

    /**
     * One fault.
     *
     * @param kind          what happens
     * @param triggerStep   step (0-based) at which the poller triggers it
     * @param duringStartup for kills: strike while the instance may still be restoring or
     *                      rebalancing, instead of after it reached RUNNING
     * @param delayMillis   wait after the trigger (and after RUNNING unless {@code duringStartup})
     *                      before the fault, while the poller keeps writing snapshots
     */
    record Event(Kind kind, int triggerStep, boolean duringStartup, long delayMillis) {
    }

    /** Minimum and maximum wait between a trigger and its fault, in milliseconds. */
    static final long MIN_DELAY_MILLIS = 500;
    static final long MAX_DELAY_MILLIS = 4000;
    /** Share of kills that strike before the instance reached RUNNING. */
    static final double STARTUP_KILL_SHARE = 0.2;

    /**
     * Draws the plan: {@code kills} plain kills, {@code stateWipes} kills with a deleted state
     * folder and {@code brokerRestarts} broker restarts in a random order, plus one failover in the
     * middle when {@code failover} is set.
     */
    static DisruptionPlan draw(final int steps, final int kills, final int stateWipes, final int brokerRestarts,
                               final boolean failover, final Random random) {
        final List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            kinds.add(Kind.KILL);
        }
        for (int i = 0; i < stateWipes; i++) {
            kinds.add(Kind.KILL_AND_WIPE);
        }
        for (int i = 0; i < brokerRestarts; i++) {
            kinds.add(Kind.BROKER_RESTART);
        }
        Collections.shuffle(kinds, random);
        if (failover) {
            kinds.add(kinds.size() / 2, Kind.FAILOVER);
        }

        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            // Event i of n fires after (i + 1) / (n + 1) of the steps, which spreads the events evenly.
            final int trigger = (int) ((long) (i + 1) * steps / (kinds.size() + 1));
            final boolean restartingKill = kinds.get(i) == Kind.KILL || kinds.get(i) == Kind.KILL_AND_WIPE;
            final boolean duringStartup = restartingKill && random.nextDouble() < STARTUP_KILL_SHARE;
            final long delay = MIN_DELAY_MILLIS + (long) (random.nextDouble() * (MAX_DELAY_MILLIS - MIN_DELAY_MILLIS));
            events.add(new Event(kinds.get(i), trigger, duringStartup, delay));
        }
        return new DisruptionPlan(List.copyOf(events));
    }
}
