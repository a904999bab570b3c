package dev.permwatch.local.replay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes temporary replay folders. */
public final class WorkDirs {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirs.class);

    private WorkDirs() {
    }

    /** Deletes {@code dir} and everything below it; logs a warning instead of failing. */
    public static void deleteRecursively(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            final List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (final Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (final IOException e) {
            LOG.warn("Cannot delete the temporary folder {}: {}", dir, e.toString());
        }
    }
}
