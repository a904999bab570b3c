package dev.permwatch.local.replay;

import dev.permwatch.avro.ChangeType;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Outcome of one replay.
 *
 * @param files          number of files read, symbolic links to regular files included
 * @param accepted       files that passed validation and were written as snapshots
 * @param rejected       files that failed validation, each with its reason; never diffed
 * @param stale          accepted files whose snapshots the streams app ignored because they were
 *                       older than a file replayed before them
 * @param eventsByType   number of change events written, per type (every type present)
 * @param skipped        folder entries not read, such as folders and symbolic links whose target is
 *                       missing, each with the reason
 * @param links          names of the files read that are symbolic links to regular files
 * @param removals       removals still pending or held by the shrink guard when the replay ended
 */
public record ReplaySummary(int files, int accepted, List<RejectedFile> rejected, List<StaleFile> stale,
                            Map<ChangeType, Integer> eventsByType, List<FolderListing.SkippedEntry> skipped,
                            List<String> links, RemovalStatus removals) {

    /** A file that failed validation and why. */
    public record RejectedFile(String name, String reason) {
    }

    /**
     * An accepted file that the streams app ignored as stale.
     *
     * @param name        the stale file
     * @param fetchedAt   its fetch time
     * @param newerName   the file replayed before it with the newest fetch time
     * @param newerFetchedAt that file's fetch time, later than {@code fetchedAt}
     */
    public record StaleFile(String name, Instant fetchedAt, String newerName, Instant newerFetchedAt) {

        /** Returns one line naming both files and times, and how to replay the stale file. */
        public String describe() {
            return name + ": fetched at " + fetchedAt + ", before " + newerName + " (fetched at " + newerFetchedAt
                    + "), which was replayed first, so the streams app ignored it. Rename the files so that their"
                    + " name order matches their fetch time";
        }
    }

    public ReplaySummary {
        rejected = List.copyOf(rejected);
        stale = List.copyOf(stale);
        skipped = List.copyOf(skipped);
        links = List.copyOf(links);
        Objects.requireNonNull(removals, "removals");
        final Map<ChangeType, Integer> counts = new EnumMap<>(ChangeType.class);
        for (final ChangeType type : ChangeType.values()) {
            counts.put(type, eventsByType.getOrDefault(type, 0));
        }
        eventsByType = Map.copyOf(counts);
    }

    /** Returns the number of accepted files that the streams app ignored as stale. */
    public int staleIgnored() {
        return stale.size();
    }

    /** Returns the total number of change events written. */
    public int events() {
        return eventsByType.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Returns the first line of the summary that the replay command prints, with the counts. */
    public String describe() {
        final StringBuilder text = new StringBuilder();
        text.append("replay: files=").append(files)
                .append(" links=").append(links.size())
                .append(" skipped=").append(skipped.size())
                .append(" accepted=").append(accepted)
                .append(" rejected=").append(rejected.size())
                .append(" stale=").append(stale.size())
                .append(" events=").append(events());
        for (final ChangeType type : ChangeType.values()) {
            text.append(' ').append(type.name()).append('=').append(eventsByType.get(type));
        }
        return text.toString();
    }
}
