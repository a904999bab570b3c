package dev.permwatch.local.replay;

import java.nio.file.Path;
import java.util.List;

/**
 * Entries of a replay folder, split into the files to replay and the entries left out.
 *
 * @param files   regular files to replay, in lexicographic order of name. Symbolic links to
 *                regular files are included and also named in {@code links}.
 * @param links   names of the entries in {@code files} that are symbolic links
 * @param skipped entries that are not replayed, each with the reason, in order of name
 */
public record FolderListing(List<Path> files, List<String> links, List<SkippedEntry> skipped) {

    /** A folder entry that is not replayed and why, such as "a folder". */
    public record SkippedEntry(String name, String reason) {
    }

    public FolderListing {
        files = List.copyOf(files);
        links = List.copyOf(links);
        skipped = List.copyOf(skipped);
    }
}
