package dev.permwatch.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The schemas of every release, kept in one folder with a subfolder per release version
 * ({@code 0.1.0/}, {@code 0.2.0/}, ...) that contains a copy of that release's {@code .avsc} files,
 * and an optional {@value #RETIRED_FILE} that lists the full names of released schemas that were
 * removed on purpose.
 *
 * @param root     the folder with the release subfolders
 * @param releases one baseline per release, oldest first
 * @param retired  full names of the retired schemas, never null
 */
public record ReleasedSchemas(Path root, List<Baseline> releases, Set<String> retired) {

    /** Name of the file in the root folder that lists retired schemas, one full name a line. */
    public static final String RETIRED_FILE = "retired.txt";

    private static final Pattern VERSION = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})");

    /** The schemas of one release. */
    public record Baseline(String version, SchemaSet schemas) {
    }

    /** Creates the set from copies of the arguments, with the retired names sorted. */
    public ReleasedSchemas {
        releases = List.copyOf(releases);
        retired = Collections.unmodifiableSortedSet(new TreeSet<>(retired));
    }

    /**
     * Reads every release subfolder of {@code root} and the retired list.
     *
     * @throws IllegalArgumentException when {@code root} is missing, when a subfolder is not named
     *                                  as a version {@code MAJOR.MINOR.PATCH}, or when a release
     *                                  folder cannot be parsed (see {@link SchemaSet#read})
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static ReleasedSchemas read(final Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("Released schema folder " + root.toAbsolutePath() + " does not exist"
                    + " or is not a folder. Create it with one subfolder per release, for example 0.1.0/.");
        }
        final List<Path> versionFolders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (final Path entry : entries.filter(Files::isDirectory).toList()) {
                if (!VERSION.matcher(entry.getFileName().toString()).matches()) {
                    throw new IllegalArgumentException("Invalid release folder name '" + entry.getFileName() + "' in "
                            + root.toAbsolutePath() + ": expected a release version MAJOR.MINOR.PATCH such as 0.1.0."
                            + " Rename it or move it out of this folder.");
                }
                versionFolders.add(entry);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot list the released schema folder " + root.toAbsolutePath(), e);
        }
        versionFolders.sort(Comparator.comparing(folder -> versionKey(folder.getFileName().toString())));

        final List<Baseline> releases = new ArrayList<>();
        for (final Path folder : versionFolders) {
            releases.add(new Baseline(folder.getFileName().toString(), SchemaSet.read(folder)));
        }
        return new ReleasedSchemas(root, releases, readRetired(root.resolve(RETIRED_FILE)));
    }

    /** Reads the retired list: one full name a line, blank lines and {@code #} comments ignored. */
    private static Set<String> readRetired(final Path file) {
        if (!Files.exists(file)) {
            return Set.of();
        }
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
        }
        final Set<String> names = new TreeSet<>();
        for (final String line : lines) {
            final String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                names.add(name);
            }
        }
        return names;
    }

    /** Returns a zero-padded sort key, so 0.10.0 sorts after 0.9.0. */
    private static String versionKey(final String version) {
        final Matcher matcher = VERSION.matcher(version);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Invalid release version '" + version + "'");
        }
        return String.format("%09d.%09d.%09d", Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)));
    }
}
