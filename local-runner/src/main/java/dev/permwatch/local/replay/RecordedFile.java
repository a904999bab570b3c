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
     * Lists the regular files of {@code dir} in lexicographic order of name, as
     * {@link #listFolder(Path)} does, without the skipped entries.
     *
     * @throws IllegalArgumentException if {@code dir} is missing, not a folder, or contains no files
     */
    public static List<Path> listFiles(final Path dir) {
        return listFolder(dir).files();
    }

    /**
     * Lists the entries of {@code dir} in lexicographic order of name. Regular files and symbolic
     * links to regular files are replayed. Hidden entries (name starting with a dot), folders,
     * symbolic links whose target is missing and other entries such as sockets are skipped, each
     * with its reason.
     *
     * @throws IllegalArgumentException if {@code dir} is missing, not a folder, or contains no files
     */
    public static FolderListing listFolder(final Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException("Replay folder not found: " + dir.toAbsolutePath()
                    + ". Pass a folder of recorded permission-group responses (JSON files)");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Replay path is not a folder: " + dir.toAbsolutePath()
                    + ". Pass the folder that contains the recorded JSON files");
        }
        final List<Path> entries;
        try (Stream<Path> listed = Files.list(dir)) {
            entries = listed.sorted(Comparator.comparing(entry -> entry.getFileName().toString())).toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot list replay folder " + dir.toAbsolutePath(), e);
        }
        final List<Path> files = new ArrayList<>();
        final List<String> links = new ArrayList<>();
        final List<FolderListing.SkippedEntry> skipped = new ArrayList<>();
        for (final Path entry : entries) {
            final String name = entry.getFileName().toString();
            final Optional<String> reason = skipReason(entry);
            if (reason.isPresent()) {
                skipped.add(new FolderListing.SkippedEntry(name, reason.get()));
                continue;
            }
            files.add(entry);
            if (Files.isSymbolicLink(entry)) {
                links.add(name);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Replay folder is empty: " + dir.toAbsolutePath()
                    + (skipped.isEmpty() ? "" : " (" + skipped.size() + " entries skipped: " + describe(skipped) + ")")
                    + ". Put one recorded response per file in it");
        }
        return new FolderListing(files, links, skipped);
    }

    /** Returns why {@code entry} is not replayed, or empty for a regular file or a link to one. */
    private static Optional<String> skipReason(final Path entry) {
        if (entry.getFileName().toString().startsWith(".")) {
            return Optional.of("a hidden file");
        }
        final boolean link = Files.isSymbolicLink(entry);
        if (link && !Files.exists(entry)) {
            return Optional.of("a symbolic link whose target is missing");
        }
        if (Files.isDirectory(entry)) {
            return Optional.of(link ? "a symbolic link to a folder" : "a folder");
        }
        if (!Files.isRegularFile(entry)) {
            return Optional.of("not a regular file");
        }
        return Optional.empty();
    }

    private static String describe(final List<FolderListing.SkippedEntry> skipped) {
        final List<String> parts = new ArrayList<>();
        for (final FolderListing.SkippedEntry entry : skipped) {
            parts.add(entry.name() + " is " + entry.reason());
        }
        return String.join(", ", parts);
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
