package dev.permwatch.local.replay;

import dev.permwatch.avro.ChangeType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Outcome of one replay.
 *
 * @param files          number of files read
 * @param accepted       files that passed validation and were written as snapshots
 * @param rejected       files that failed validation, each with its reason; never diffed
 * @param staleIgnored   accepted snapshots that the streams app ignored because they were older
 *                       than the last processed one
 * @param eventsByType   number of change events written, per type (every type present)
 */
public record ReplaySummary(int files, int accepted, List<RejectedFile> rejected, int staleIgnored,
                            Map<ChangeType, Integer> eventsByType) {

    /** A file that failed validation and why. */
    public record RejectedFile(String name, String reason) {
    }

    public ReplaySummary {
        rejected = List.copyOf(rejected);
        final Map<ChangeType, Integer> counts = new EnumMap<>(ChangeType.class);
        for (final ChangeType type : ChangeType.values()) {
            counts.put(type, eventsByType.getOrDefault(type, 0));
        }
        eventsByType = Map.copyOf(counts);
    }

    /** Returns the total number of change events written. */
    public int events() {
        return eventsByType.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Returns the summary as printed by the replay command. */
    public String describe() {
        final StringBuilder text = new StringBuilder();
        text.append("replay: files=").append(files)
                .append(" accepted=").append(accepted)
                .append(" rejected=").append(rejected.size())
                .append(" stale=").append(staleIgnored)
                .append(" events=").append(events());
        for (final ChangeType type : ChangeType.values()) {
            text.append(' ').append(type.name()).append('=').append(eventsByType.get(type));
        }
        return text.toString();
    }
}
