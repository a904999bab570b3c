package dev.permwatch.local.replay;

import dev.permwatch.avro.Source;
import dev.permwatch.local.stack.RemovalSettings;
import dev.permwatch.poller.config.PollerConfig;

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
 * @param maxFileBytes max size of one recorded file in bytes. A bigger file is rejected before it is
 *                     read, as the poller rejects a bigger response body.
 */
public record ReplayOptions(Path inputDir, Path output, Source source, boolean emitBaseline,
                            RemovalSettings removal, long maxFileBytes) {

    /** Upper bound of {@code maxFileBytes}, the same as the poller's for its response body. */
    public static final long MAX_MAX_FILE_BYTES = 256L * 1024 * 1024;

    public ReplayOptions {
        Objects.requireNonNull(inputDir, "inputDir");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(removal, "removal");
        if (maxFileBytes < 1 || maxFileBytes > MAX_MAX_FILE_BYTES) {
            throw new IllegalArgumentException("Invalid --max-file-bytes " + maxFileBytes + ": pass a number of bytes"
                    + " from 1 to " + MAX_MAX_FILE_BYTES + " (default " + PollerConfig.DEFAULT_MAX_BODY_BYTES + ")");
        }
    }

    /** Creates options with the poller's default max response body size as the max file size. */
    public ReplayOptions(final Path inputDir, final Path output, final Source source, final boolean emitBaseline,
                         final RemovalSettings removal) {
        this(inputDir, output, source, emitBaseline, removal, PollerConfig.DEFAULT_MAX_BODY_BYTES);
    }

    /** Creates options with the streams app's default removal settings and the default max file size. */
    public ReplayOptions(final Path inputDir, final Path output, final Source source, final boolean emitBaseline) {
        this(inputDir, output, source, emitBaseline, RemovalSettings.defaults());
    }
}
