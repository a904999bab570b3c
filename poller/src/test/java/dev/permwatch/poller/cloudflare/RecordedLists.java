package dev.permwatch.poller.cloudflare;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the recorded Cloudflare permission-group lists, which live beside the repository in
 * {@code ../shared/corpus/cloudflare-permission-groups} and are never copied into it.
 */
public final class RecordedLists {

    private RecordedLists() {
    }

    /** Returns the directory of recorded lists; it may not exist, so callers skip via assumptions. */
    public static Path directory() {
        return repositoryRoot().resolve("../shared/corpus/cloudflare-permission-groups").normalize();
    }

    /** Surefire runs in the module directory; the repository root is the first parent with a .git entry. */
    private static Path repositoryRoot() {
        Path current = Path.of("").toAbsolutePath();
        while (current != null) {
            if (Files.exists(current.resolve(".git"))) {
                return current;
            }
            current = current.getParent();
        }
        return Path.of("").toAbsolutePath().getParent();
    }
}
