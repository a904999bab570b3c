package dev.permwatch.local.replay;

import dev.permwatch.avro.Source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one replay.
 *
 * @param inputDir     folder of recorded API responses
 * @param output       file for the change events, one JSON object per line; replaced if present
 * @param source       source that the recorded series is labelled with
 * @param emitBaseline whether the first accepted file yields ADDED events
 */
public record ReplayOptions(Path inputDir, Path output, Source source, boolean emitBaseline) {

    public ReplayOptions {
        Objects.requireNonNull(inputDir, "inputDir");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(source, "source");
    }
}
