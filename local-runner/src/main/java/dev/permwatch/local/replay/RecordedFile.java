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
     * {@code 2021-06-09T10:15:30+02:00}. The time may use dashes in place of colons
     * ({@code T10-15-30}, {@code +02-00}) because many file systems reject colons in file names.
     * The seconds must use the same separator as the minutes, so in {@code T10:15-05:00} the
     * {@code -05:00} is an offset, not seconds. An offset needs hours and minutes.
     */
    private static final Pattern ISO_DATE_TIME = Pattern.compile(
            "(?<!\\d)(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})"
                    + "(?:[Tt](?<hour>\\d{2})(?<sep>[:-])(?<minute>\\d{2})"
                    + "(?:\\k<sep>(?<second>\\d{2})(?:[.,](?<fraction>\\d{1,9}))?)?"
                    + "(?<offset>[Zz]|[+-]\\d{2}[:-]?\\d{2})?)?");
    /**
     * Digits right after a date-time, such as the {@code -05} in {@code T10:15-05}. They are most
     * likely an offset or seconds written in a form the pattern does not accept.
     */
    private static final Pattern TRAILING_TIME_DIGITS = Pattern.compile("[:+-]?\\d");

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
     *                                  {@code 2021-02-30}, or an ambiguous time, as
     *                                  {@link #timeFromName(String)} describes
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
     *
     * @throws IllegalArgumentException if the date or time does not exist, such as
     *                                  {@code 2021-02-30}, or digits follow the time so that it
     *                                  cannot be read without guessing, such as {@code T10:15-05}
     */
    static Optional<Instant> timeFromName(final String fileName) {
        final Matcher matcher = ISO_DATE_TIME.matcher(fileName);
        if (!matcher.find()) {
            return Optional.empty();
        }
        try {
            final LocalDate date = LocalDate.of(number(matcher, "year"), number(matcher, "month"),
                    number(matcher, "day"));
            if (matcher.group("hour") == null) {
                return Optional.of(date.atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            rejectTrailingDigits(fileName, matcher);
            final int seconds = matcher.group("second") == null ? 0 : number(matcher, "second");
            final String fraction = matcher.group("fraction");
            final int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
            final LocalTime time = LocalTime.of(number(matcher, "hour"), number(matcher, "minute"), seconds, nanos);
            return Optional.of(LocalDateTime.of(date, time).toInstant(offset(matcher.group("offset"))));
        } catch (final DateTimeException e) {
            throw new IllegalArgumentException("Invalid date or time '" + matcher.group() + "' in file name "
                    + fileName + ": " + e.getMessage()
                    + ". Rename the file with a real ISO-8601 date or date-time such as 2021-06-09T10:15:30Z", e);
        }
    }

    private static int number(final Matcher matcher, final String group) {
        return Integer.parseInt(matcher.group(group));
    }

    private static void rejectTrailingDigits(final String fileName, final Matcher matcher) {
        final Matcher trailing = TRAILING_TIME_DIGITS.matcher(fileName).region(matcher.end(), fileName.length());
        if (trailing.lookingAt()) {
            throw new IllegalArgumentException("Ambiguous time '" + fileName.substring(matcher.start())
                    + "' in file name " + fileName + ": digits follow the time " + matcher.group()
                    + ". Rename the file with seconds in the minutes' separator and an offset with hours and"
                    + " minutes, such as 2021-06-09T10-15-30-05-00 or 2021-06-09T10:15:30-05:00");
        }
    }

    /** Converts {@code Z}, {@code +02:00}, {@code +02-00} or {@code +0200}. A null offset means UTC. */
    private static ZoneOffset offset(final String text) {
        if (text == null || text.equalsIgnoreCase("Z")) {
            return ZoneOffset.UTC;
        }
        final String digits = text.substring(1).replace(":", "").replace("-", "");
        final int hours = Integer.parseInt(digits.substring(0, 2));
        final int minutes = Integer.parseInt(digits.substring(2, 4));
        return text.charAt(0) == '-' ? ZoneOffset.ofHoursMinutes(-hours, -minutes)
                : ZoneOffset.ofHoursMinutes(hours, minutes);
    }
}
