package dev.permwatch.local.eos;

import dev.permwatch.schemas.Sources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test series until the generated series is available: each source cycles through the recorded
 * lists in name order, each list served for {@link #BLOCK} steps, and source i starts at list i.
 * The first source polls the user endpoint, the others account endpoints.
 */
final class StandInSeries {

    static final int BLOCK = 3;

    private StandInSeries() {
    }

    static List<ServedSource> sources(final Path corpusDir, final int count) {
        final List<byte[]> lists = load(corpusDir);
        final List<ServedSource> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final int offset = i;
            final var source = i == 0 ? Sources.user() : Sources.account(String.format("%032x", 0xacc0L + i));
            sources.add(new ServedSource("source-" + i, source,
                    step -> lists.get((step / BLOCK + offset) % lists.size())));
        }
        return sources;
    }

    private static List<byte[]> load(final Path corpusDir) {
        try (Stream<Path> files = Files.list(corpusDir)) {
            final List<byte[]> lists = new ArrayList<>();
            for (final Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
                lists.add(Files.readAllBytes(file));
            }
            return lists;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
