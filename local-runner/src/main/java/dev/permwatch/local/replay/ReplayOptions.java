package dev.permwatch.local.replay;

import dev.permwatch.avro.Source;
import dev.permwatch.local.stack.RemovalSettings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one replay.
 *
 * @param inputDir     folder of recorded API responses
 * @param output       file for the change events, one JSON object per line; replaced if present
 * @param source       source that the recorded series is labelled with
 * @param emitBaseline whether the first accepted file yields ADDED events
 * @param removal      removal confirmations and shrink guard of the streams app
 */
public record ReplayOptions(Path inputDir, Path output, Source source, boolean emitBaseline,
                            RemovalSettings removal) {

    public ReplayOptions {
        Objects.requireNonNull(inputDir, "inputDir");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(removal, "removal");
    }

    /** Creates options with the streams app's default removal settings. */
    public ReplayOptions(final Path inputDir, final Path output, final Source source, final boolean emitBaseline) {
        this(inputDir, output, source, emitBaseline, RemovalSettings.defaults());
    }
}
