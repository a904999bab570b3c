package dev.permwatch.local.soak;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of one soak run.
 *
 * @param polls              polls of each source
 * @param faultsByKind       polls of the faulty source with a fault, by kind
 * @param transientFaults    faults only on the first attempt, which a retry got past
 * @param acceptedFaulty     snapshots the poller wrote for the faulty source
 * @param acceptedClean      snapshots the poller wrote for the clean source
 * @param failedPolls        failed polls of the faulty source
 * @param eventsFaulty       change events of the faulty source
 * @param eventsClean        change events of the clean source
 * @param equal              whether both sources got the same change events in the same order
 * @param firstDifference    the first differing event pair, or null when equal
 * @param alertsFaulty       alerts of the faulty source, by kind
 * @param alertsClean        alerts of the clean source, by kind
 * @param duration           wall-clock time of the whole run
 */
public record SoakResult(int polls, Map<FaultKind, Integer> faultsByKind, int transientFaults, int acceptedFaulty,
                         int acceptedClean, int failedPolls, int eventsFaulty, int eventsClean, boolean equal,
                         String firstDifference, Map<String, Integer> alertsFaulty, Map<String, Integer> alertsClean,
                         Duration duration) {

    public SoakResult {
        faultsByKind = Map.copyOf(faultsByKind);
        alertsFaulty = Map.copyOf(alertsFaulty);
        alertsClean = Map.copyOf(alertsClean);
    }

    /** Returns the number of polls with a fault. */
    public int faults() {
        return faultsByKind.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Returns the result as the soak command prints it, one fact per line. */
    public String describe() {
        final StringBuilder text = new StringBuilder();
        text.append("polls per source:        ").append(polls).append('\n');
        text.append("polls with a fault:      ").append(faults())
                .append(String.format(" (%.1f%%), of which %d transient (first attempt only)",
                        polls == 0 ? 0.0 : 100.0 * faults() / polls, transientFaults)).append('\n');
        text.append("faults by kind:          ").append(new TreeMap<>(faultsByKind)).append('\n');
        text.append("failed polls (faulty):   ").append(failedPolls).append('\n');
        text.append("accepted snapshots:      faulty=").append(acceptedFaulty).append(" clean=").append(acceptedClean)
                .append('\n');
        text.append("change events:           faulty=").append(eventsFaulty).append(" clean=").append(eventsClean)
                .append('\n');
        text.append("alerts (faulty):         ").append(new TreeMap<>(alertsFaulty)).append('\n');
        text.append("alerts (clean):          ").append(new TreeMap<>(alertsClean)).append('\n');
        text.append("events equal:            ").append(equal ? "yes" : "no").append('\n');
        if (firstDifference != null) {
            text.append("first difference:        ").append(firstDifference).append('\n');
        }
        text.append("duration:                ").append(duration.toSeconds()).append(" s");
        return text.toString();
    }
}
