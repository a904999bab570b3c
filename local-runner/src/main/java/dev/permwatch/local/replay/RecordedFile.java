package dev.permwatch.local.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One recorded API response in a replay folder, with the fetch time it represents.
 *
 * @param path      the file
 * @param fetchedAt the first ISO-8601 date or date-time in the file name, else the file's
 *                  modification time
 * @param timeFromName true when {@code fetchedAt} came from the file name
 */
public record RecordedFile(Path path, Instant fetchedAt, boolean timeFromName) {

    /**
     * Matches {@code 2021-06-09}, {@code 2021-06-09T10:15}, {@code 2021-06-09T10:15:30.5Z} and
     * {@code 2021-06-09T10:15:30+02:00}. Colons may be written as dashes ({@code T10-15-30}), because
     * many file systems reject colons in file names.
     */
    private static final Pattern ISO_DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})"
                    + "(?:T(\\d{2})[:-](\\d{2})(?:[:-](\\d{2})(?:\\.(\\d{1,9}))?)?"
                    + "(Z|[+-]\\d{2}:?\\d{2})?)?");

    public RecordedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
    }

    /** Returns the file name, used in messages and as the snapshot origin. */
    public String name() {
        return path.getFileName().toString();
    }

    /**
     * Lists the regular files of {@code dir} in lexicographic order of name. Hidden files (name
     * starting with a dot) are left out.
     *
     * @throws IllegalArgumentException if {@code dir} is missing, not a folder, or contains no files
     */
    public static List<Path> listFiles(final Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException("Replay folder not found: " + dir.toAbsolutePath()
                    + ". Pass a folder of recorded permission-group responses (JSON files)");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Replay path is not a folder: " + dir.toAbsolutePath()
                    + ". Pass the folder that contains the recorded JSON files");
        }
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(file -> file.getFileName().toString()))
                    .forEach(files::add);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot list replay folder " + dir.toAbsolutePath(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Replay folder is empty: " + dir.toAbsolutePath()
                    + ". Put one recorded response per file in it");
        }
        return files;
    }

    /**
     * Reads the fetch time of one file.
     *
     * @throws IllegalArgumentException if the name contains a date that does not exist, such as
     *                                  {@code 2021-02-30}
     */
    public static RecordedFile of(final Path path) {
        final Optional<Instant> fromName = timeFromName(path.getFileName().toString());
        if (fromName.isPresent()) {
            return new RecordedFile(path, fromName.get(), true);
        }
        try {
            return new RecordedFile(path, Files.getLastModifiedTime(path).toInstant(), false);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the modification time of " + path, e);
        }
    }

    /**
     * Returns the first ISO-8601 date or date-time in {@code fileName}. A date alone means midnight
     * UTC, and a date-time without an offset is read as UTC.
     */
    static Optional<Instant> timeFromName(final String fileName) {
        final Matcher matcher = ISO_DATE_TIME.matcher(fileName);
        if (!matcher.find()) {
            return Optional.empty();
        }
        try {
            final LocalDate date = LocalDate.of(Integer.parseInt(matcher.group(1)),
                    Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)));
            if (matcher.group(4) == null) {
                return Optional.of(date.atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            final int seconds = matcher.group(6) == null ? 0 : Integer.parseInt(matcher.group(6));
            final int nanos = matcher.group(7) == null ? 0
                    : Integer.parseInt((matcher.group(7) + "000000000").substring(0, 9));
            final LocalTime time = LocalTime.of(Integer.parseInt(matcher.group(4)),
                    Integer.parseInt(matcher.group(5)), seconds, nanos);
            final ZoneOffset offset = matcher.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(offset(matcher.group(8)));
            return Optional.of(LocalDateTime.of(date, time).toInstant(offset));
        } catch (final DateTimeException e) {
            throw new IllegalArgumentException("Invalid date '" + matcher.group() + "' in file name " + fileName
                    + ": " + e.getMessage() + ". Rename the file with a real ISO-8601 date such as 2021-06-09", e);
        }
    }

    /** Adds the colon that {@link ZoneOffset#of(String)} needs in {@code +0200}. */
    private static String offset(final String text) {
        if (text.equals("Z") || text.contains(":")) {
            return text;
        }
        return text.substring(0, 3) + ":" + text.substring(3);
    }
}
