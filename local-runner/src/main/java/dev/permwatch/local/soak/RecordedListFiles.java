package dev.permwatch.local.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Lists the recorded permission-group responses of a folder, as the soak and the eos-check read them. */
public final class RecordedListFiles {

    private RecordedListFiles() {
    }

    /**
     * Returns the regular {@code *.json} files of a folder in name order.
     *
     * @param corpusDir folder of recorded {@code GET .../tokens/permission_groups} response bodies, never null
     * @return the files, never empty
     * @throws IllegalArgumentException if the folder is missing or has no {@code .json} file; the message names
     *                                  what to pass instead
     * @throws UncheckedIOException     if the folder cannot be listed
     */
    public static List<Path> list(final Path corpusDir) {
        if (!Files.isDirectory(corpusDir)) {
            throw new IllegalArgumentException("Recorded lists folder not found: " + corpusDir.toAbsolutePath()
                    + ". Pass a folder of recorded permission-group responses (*.json)");
        }
        final List<Path> files;
        try (Stream<Path> entries = Files.list(corpusDir)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(path -> path.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot list " + corpusDir.toAbsolutePath(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No .json files in " + corpusDir.toAbsolutePath()
                    + ". Pass a folder of recorded permission-group responses (*.json)");
        }
        return files;
    }
}
