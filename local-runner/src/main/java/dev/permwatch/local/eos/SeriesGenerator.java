package dev.permwatch.local.eos;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Source;
import dev.permwatch.local.soak.RecordedListFiles;
import dev.permwatch.poller.cloudflare.InvalidResponseException;
import dev.permwatch.poller.cloudflare.PermissionGroupListParser;
import dev.permwatch.schemas.Sources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Generates a long snapshot series from recorded permission-group lists: each source starts from
 * a recorded list and then changes by a few random mutations per step, the way Cloudflare's list
 * changed from 2020 to 2026 (products added, renamed and retired, descriptions reworded, groups
 * moved between account and zone scope).
 *
 * <p>The result depends only on the arguments: the same corpus, step count, source count and seed
 * give the same lists and the same response bytes.
 *
 * <p>Rules that keep the expected events easy to state:
 * <ul>
 *     <li>A removed group never comes back and is never changed again, so each removal yields one
 *     REMOVED event once the group has been absent from {@code removalConfirmations} snapshots.</li>
 *     <li>At most {@value #MAX_REMOVALS_PER_STEP} removals per step, none at the last
 *     {@code removalConfirmations} steps, and none while a list has {@value #MIN_GROUPS_FOR_REMOVAL}
 *     groups or fewer. The shrink guard (more than 10% or 25 groups newly absent) therefore never
 *     holds a removal, and nothing is pending at the end.</li>
 *     <li>Order-only noise (items or scopes in another order) changes the bytes but not the content.</li>
 * </ul>
 */
public final class SeriesGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(SeriesGenerator.class);

    /** Largest number of sources of one series. */
    public static final int MAX_SOURCES = 16;
    /** Confirmations of a removal that {@link #generate(List, int, int, long)} plans for, as the app's default. */
    public static final int DEFAULT_REMOVAL_CONFIRMATIONS = 2;
    /** Smallest start list: 2 removals of 150 groups stay far below the shrink guard's 10%. */
    static final int MIN_START_GROUPS = 150;
    static final int MIN_GROUPS_FOR_REMOVAL = 120;
    static final int MAX_REMOVALS_PER_STEP = 2;

    private SeriesGenerator() {
    }

    /**
     * Reads the recorded list files ({@code *.json}) of a folder in name order and checks each
     * with the poller's {@link PermissionGroupListParser}.
     *
     * @param corpusDir folder of recorded {@code GET .../tokens/permission_groups} response bodies, never null
     * @return the groups of each file in file order, never empty
     * @throws IllegalArgumentException if the folder is missing, has no {@code .json} file, or a file is not a
     *                                  valid list. The message names the file and what to do
     * @throws UncheckedIOException     if a file cannot be read
     */
    public static List<List<PermissionGroup>> loadCorpus(final Path corpusDir) {
        Objects.requireNonNull(corpusDir, "corpusDir");
        final List<Path> files = RecordedListFiles.list(corpusDir);

        final PermissionGroupListParser parser = new PermissionGroupListParser();
        final List<List<PermissionGroup>> lists = new ArrayList<>();
        for (final Path file : files) {
            try {
                lists.add(List.copyOf(parser.parse(Files.readAllBytes(file))));
            } catch (final InvalidResponseException e) {
                throw new IllegalArgumentException("Recorded list " + file.toAbsolutePath() + " is invalid: "
                        + e.getMessage() + ". Replace it with a complete response body or remove it from the folder",
                        e);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
            }
        }
        LOG.info("Loaded {} recorded lists from {}", lists.size(), corpusDir.toAbsolutePath());
        return List.copyOf(lists);
    }

    /**
     * Generates a series that plans removals for the app's default of
     * {@value #DEFAULT_REMOVAL_CONFIRMATIONS} confirmations.
     *
     * @see #generate(List, int, int, long, int)
     */
    public static GeneratedSeries generate(final List<List<PermissionGroup>> corpus, final int steps,
                                           final int sourceCount, final long seed) {
        return generate(corpus, steps, sourceCount, seed, DEFAULT_REMOVAL_CONFIRMATIONS);
    }

    /**
     * Generates a series. Source 0 is the user-level list ({@link Sources#user()}, name {@code user}) and
     * starts from the newest (last) list of the corpus. Source {@code i >= 1} is an account-level list
     * (name {@code account<i>}, a generated 32-hex account id). Odd accounts start from a random subset of
     * the newest list. Even accounts start from an older recorded list of at least
     * {@value #MIN_START_GROUPS} groups when there is one, else also from a subset.
     *
     * @param corpus               recorded lists in time order as {@link #loadCorpus(Path)} returns them, never
     *                             null. The newest needs at least {@value #MIN_START_GROUPS} groups.
     * @param steps                number of snapshots per source, step 0 (the baseline) included, at least 2
     * @param sourceCount          1 to {@value #MAX_SOURCES}
     * @param seed                 seed of every random choice
     * @param removalConfirmations absences after which the app removes a group, at least 1. The last
     *                             {@code removalConfirmations} steps remove nothing, so nothing is pending at
     *                             the end
     * @return the series, never null
     * @throws IllegalArgumentException if an argument is out of range, the newest list is too small, or a start
     *                                  list repeats a permission id
     */
    public static GeneratedSeries generate(final List<List<PermissionGroup>> corpus, final int steps,
                                           final int sourceCount, final long seed, final int removalConfirmations) {
        Objects.requireNonNull(corpus, "corpus");
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("The corpus is empty; pass the recorded lists from loadCorpus");
        }
        if (steps < 2) {
            throw new IllegalArgumentException("Invalid step count " + steps
                    + ": expected at least 2 (a baseline and one later snapshot)");
        }
        if (sourceCount < 1 || sourceCount > MAX_SOURCES) {
            throw new IllegalArgumentException("Invalid source count " + sourceCount + ": expected 1 to " + MAX_SOURCES);
        }
        if (removalConfirmations < 1) {
            throw new IllegalArgumentException("Invalid removal confirmations " + removalConfirmations
                    + ": expected 1 or more, as permwatch.removal.confirmations");
        }
        final List<PermissionGroup> newest = corpus.get(corpus.size() - 1);
        if (newest.size() < MIN_START_GROUPS) {
            throw new IllegalArgumentException("The newest recorded list has " + newest.size()
                    + " groups; the generator needs at least " + MIN_START_GROUPS
                    + " so that its removals never trip the shrink guard. Add a newer, complete list to the corpus");
        }

        final Random accountIds = new Random(seed);
        final Set<String> usedAccountIds = new HashSet<>();
        final List<SourceSeries> sources = new ArrayList<>();
        for (int index = 0; index < sourceCount; index++) {
            final Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
            final Source source = index == 0 ? Sources.user() : Sources.account(newAccountId(accountIds, usedAccountIds));
            final String name = index == 0 ? "user" : "account" + index;
            final List<PermissionGroup> start = startList(corpus, index, random);
            requireUniqueIds(start, name);
            sources.add(new SourceWalk(name, source, start, random, steps, removalConfirmations).walk());
        }
        return new GeneratedSeries(seed, steps, sources);
    }

    /** Picks the start list of source {@code index}; see {@link #generate(List, int, int, long, int)}. */
    private static List<PermissionGroup> startList(final List<List<PermissionGroup>> corpus, final int index,
                                                   final Random random) {
        final List<PermissionGroup> newest = corpus.get(corpus.size() - 1);
        if (index == 0) {
            return newest;
        }
        final List<List<PermissionGroup>> older = corpus.subList(0, corpus.size() - 1).stream()
                .filter(list -> list.size() >= MIN_START_GROUPS)
                .toList();
        if (index % 2 == 0 && !older.isEmpty()) {
            return older.get((index / 2 - 1) % older.size());
        }
        // Keep 60% to 95% of the groups, at least MIN_START_GROUPS, in their recorded order.
        final double keepShare = 0.60 + 0.35 * random.nextDouble();
        final int keep = Math.max(MIN_START_GROUPS, (int) Math.round(newest.size() * keepShare));
        final List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < newest.size(); i++) {
            indexes.add(i);
        }
        Collections.shuffle(indexes, random);
        final List<Integer> kept = new ArrayList<>(indexes.subList(0, Math.min(keep, newest.size())));
        kept.sort(Integer::compare);
        return kept.stream().map(newest::get).toList();
    }

    private static void requireUniqueIds(final List<PermissionGroup> start, final String name) {
        final Set<String> ids = new HashSet<>();
        for (final PermissionGroup group : start) {
            if (!ids.add(group.getId())) {
                throw new IllegalArgumentException("The start list of source " + name + " lists permission id "
                        + group.getId() + " twice; pass lists that passed PermissionGroupListParser");
            }
        }
    }

    private static String newAccountId(final Random random, final Set<String> used) {
        while (true) {
            final byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            final String id = HexFormat.of().formatHex(bytes);
            if (used.add(id)) {
                return id;
            }
        }
    }

    /**
     * Draws the mutations of one source step by step. Each step first applies 0 to 5 actions (an addition,
     * a removal, a change of one or more fields of one group) to groups not yet touched in that step, then
     * perhaps order-only noise.
     */
    private static final class SourceWalk {

        private static final String ACCOUNT_SCOPE = "com.cloudflare.api.account";
        private static final String ZONE_SCOPE = "com.cloudflare.api.account.zone";
        private static final List<String> PRODUCTS = List.of("Workers AI", "Vectorize", "Hyperdrive", "Queues",
                "D1", "Email Routing", "Turnstile", "Pages", "Stream", "Images", "Calls", "Waiting Rooms",
                "Page Shield", "Load Balancers", "Zaraz", "Magic WAN", "Browser Rendering", "Containers",
                "Secrets Store", "Pipelines", "Workflows", "Durable Objects", "Snippets", "Cloud Connector",
                "Web3 Hostnames", "Cache Rules", "Health Checks", "DNS Firewall", "Spectrum", "Registrar",
                "URL Scanner", "Bot Management", "Rate Limiting", "Logpush", "Custom Hostnames", "Workers KV");
        private static final List<String> QUALIFIERS = List.of("Settings", "Rules", "Analytics", "Logs", "Jobs",
                "Configuration");
        /** Product families that Cloudflare renamed groups into, for example Teams to Zero Trust. */
        private static final List<String> BRANDS = List.of("Zero Trust", "Cloudflare", "Workers", "Magic",
                "Account", "Zone", "Domain");

        private final String name;
        private final Source source;
        private final Random random;
        private final int steps;
        private final int removalConfirmations;
        /** Whether new groups carry a description and scopes, like the start list's items. */
        private final boolean detailed;
        private final Set<String> usedIds = new HashSet<>();
        private final List<PermissionGroup> current;

        private final Set<String> touched = new HashSet<>();
        private final List<Mutation> stepMutations = new ArrayList<>();
        private int stepRemovals;

        SourceWalk(final String name, final Source source, final List<PermissionGroup> start, final Random random,
                   final int steps, final int removalConfirmations) {
            this.name = name;
            this.source = source;
            this.random = random;
            this.steps = steps;
            this.removalConfirmations = removalConfirmations;
            this.detailed = start.get(0).getDescription() != null && start.get(0).getScopes() != null;
            this.current = new ArrayList<>(start);
            start.forEach(group -> usedIds.add(group.getId()));
        }

        SourceSeries walk() {
            final List<List<PermissionGroup>> lists = new ArrayList<>();
            final List<List<Mutation>> mutations = new ArrayList<>();
            lists.add(List.copyOf(current));
            mutations.add(List.of());
            for (int step = 1; step < steps; step++) {
                touched.clear();
                stepMutations.clear();
                stepRemovals = 0;

                final int actions = actionCount();
                for (int action = 0; action < actions; action++) {
                    applyAction(step);
                }
                if (random.nextDouble() < 0.15) {
                    reorderGroups();
                }
                if (random.nextDouble() < 0.10) {
                    reorderScopes();
                }

                lists.add(List.copyOf(current));
                mutations.add(List.copyOf(stepMutations));
            }
            return new SourceSeries(name, source, Sources.key(source), lists, mutations);
        }

        /** Returns 0 (a re-poll of the same content) in 12% of the steps, 1 to 3 in most, 4 or 5 in 4%. */
        private int actionCount() {
            final double roll = random.nextDouble();
            if (roll < 0.12) {
                return 0;
            }
            if (roll < 0.96) {
                return 1 + random.nextInt(3);
            }
            return 4 + random.nextInt(2);
        }

        private void applyAction(final int step) {
            final double roll = random.nextDouble();
            if (roll < 0.20) {
                add();
                return;
            }
            if (roll < 0.35 && removalAllowed(step)) {
                remove();
                return;
            }
            final int index = untouchedIndex();
            if (index < 0) {
                return;
            }
            if (roll < 0.55) {
                change(index, Mutation.Kind.RENAME);
            } else if (roll < 0.73) {
                change(index, applicable(current.get(index), Mutation.Kind.DESCRIBE)
                        ? Mutation.Kind.DESCRIBE : Mutation.Kind.RENAME);
            } else if (roll < 0.85) {
                change(index, applicable(current.get(index), Mutation.Kind.RESCOPE)
                        ? Mutation.Kind.RESCOPE : Mutation.Kind.RENAME);
            } else {
                changeSeveral(index);
            }
        }

        private boolean removalAllowed(final int step) {
            return stepRemovals < MAX_REMOVALS_PER_STEP
                    && step < steps - removalConfirmations
                    && current.size() > MIN_GROUPS_FOR_REMOVAL;
        }

        /** Returns the index of a random group not yet touched in this step, or -1 after 20 misses. */
        private int untouchedIndex() {
            for (int attempt = 0; attempt < 20; attempt++) {
                final int index = random.nextInt(current.size());
                if (!touched.contains(current.get(index).getId())) {
                    return index;
                }
            }
            return -1;
        }

        private void add() {
            final String id = newPermissionId();
            final String product = PRODUCTS.get(random.nextInt(PRODUCTS.size()))
                    + (random.nextDouble() < 0.3 ? " " + QUALIFIERS.get(random.nextInt(QUALIFIERS.size())) : "");
            final double accessRoll = random.nextDouble();
            final String access;
            if (accessRoll < 0.45) {
                access = "Read";
            } else if (accessRoll < 0.85) {
                access = "Write";
            } else {
                access = "Edit";
            }
            final PermissionGroup.Builder builder = PermissionGroup.newBuilder()
                    .setId(id)
                    .setName(product + " " + access)
                    .setDescription(null)
                    .setScopes(null)
                    .setExtraFields(Map.of());
            if (detailed) {
                builder.setDescription("Grants access to " + ("Read".equals(access) ? "reading " : "reading and editing ")
                        + product);
                builder.setScopes(List.of(random.nextDouble() < 0.7 ? ACCOUNT_SCOPE : ZONE_SCOPE));
            }
            final PermissionGroup added = builder.build();
            current.add(random.nextInt(current.size() + 1), added);
            touched.add(id);
            stepMutations.add(Mutation.added(added));
        }

        private void remove() {
            final int index = untouchedIndex();
            if (index < 0) {
                return;
            }
            final PermissionGroup removed = current.remove(index);
            touched.add(removed.getId());
            stepRemovals++;
            stepMutations.add(Mutation.removed(removed));
        }

        /** Applies two or three field changes to one group, so one event lists several fields. */
        private void changeSeveral(final int index) {
            final List<Mutation.Kind> kinds = new ArrayList<>(List.of(Mutation.Kind.RENAME, Mutation.Kind.DESCRIBE,
                    Mutation.Kind.RESCOPE));
            kinds.removeIf(kind -> !applicable(current.get(index), kind));
            Collections.shuffle(kinds, random);
            final int count = kinds.size() == 3 && random.nextDouble() < 0.3 ? 3 : Math.min(2, kinds.size());
            for (final Mutation.Kind kind : kinds.subList(0, count)) {
                change(index, kind);
            }
        }

        private static boolean applicable(final PermissionGroup group, final Mutation.Kind kind) {
            return switch (kind) {
                case DESCRIBE -> group.getDescription() != null;
                case RESCOPE -> group.getScopes() != null && !group.getScopes().isEmpty();
                default -> true;
            };
        }

        private void change(final int index, final Mutation.Kind kind) {
            final PermissionGroup before = current.get(index);
            final PermissionGroup.Builder after = PermissionGroup.newBuilder(before);
            switch (kind) {
                case RENAME -> after.setName(renamed(before.getName()));
                case DESCRIBE -> after.setDescription(reworded(before.getDescription()));
                case RESCOPE -> after.setScopes(movedScopes(before.getScopes()));
                default -> throw new IllegalArgumentException("Not a field change: " + kind);
            }
            final PermissionGroup changed = after.build();
            current.set(index, changed);
            touched.add(changed.getId());
            stepMutations.add(Mutation.changed(kind, before, changed));
        }

        /**
         * Returns a new name in the ways Cloudflare renamed groups: Write to Edit, a product moved to
         * another family (Teams Read to Zero Trust Read), a plural fixed (Custom Page to Custom Pages) or a
         * qualifier added (Certificates to Mutual TLS Certificates). Never returns {@code name}.
         */
        private String renamed(final String name) {
            final int split = name.lastIndexOf(' ');
            final String last = split < 0 ? name : name.substring(split + 1);
            final boolean hasAccess = split > 0 && List.of("Read", "Write", "Edit").contains(last);
            final String product = hasAccess ? name.substring(0, split) : name;
            final String access = hasAccess ? " " + last : "";

            final List<String> candidates = new ArrayList<>();
            if (" Write".equals(access) || " Edit".equals(access)) {
                candidates.add(product + (" Write".equals(access) ? " Edit" : " Write"));
            }
            final String brand = BRANDS.get(random.nextInt(BRANDS.size()));
            final int firstSpace = product.indexOf(' ');
            final String rest = firstSpace < 0 ? "" : product.substring(firstSpace);
            candidates.add(brand + rest + access);
            candidates.add((product.endsWith("s") && product.length() > 1
                    ? product.substring(0, product.length() - 1) : product + "s") + access);
            candidates.add(product + " " + QUALIFIERS.get(random.nextInt(QUALIFIERS.size())) + access);
            candidates.removeIf(candidate -> candidate.equals(name) || candidate.isBlank());
            return candidates.isEmpty() ? name + " Legacy" : candidates.get(random.nextInt(candidates.size()));
        }

        /** Returns a reworded description, sometimes differing only by a trailing newline. Never returns {@code text}. */
        private String reworded(final String text) {
            final String moreSettings = " and its settings";
            final List<String> candidates = new ArrayList<>();
            if (text.contains(moreSettings)) {
                candidates.add(text.replace(moreSettings, ""));
            } else {
                candidates.add(text.endsWith("\n")
                        ? text.substring(0, text.length() - 1) + moreSettings + "\n" : text + moreSettings);
            }
            if (text.startsWith("Grants read access to ")) {
                candidates.add("Grants access to reading " + text.substring("Grants read access to ".length()));
            } else if (text.startsWith("Grants access to reading ")) {
                candidates.add("Grants read access to " + text.substring("Grants access to reading ".length()));
            }
            candidates.add(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text + "\n");
            candidates.removeIf(candidate -> candidate.equals(text) || candidate.isEmpty());
            return candidates.get(random.nextInt(candidates.size()));
        }

        /**
         * Returns scopes that differ from {@code scopes} as a set: mostly a move between account and zone
         * level, sometimes a second scope added or one of two dropped.
         */
        private List<String> movedScopes(final List<String> scopes) {
            final Set<String> known = new HashSet<>(scopes);
            final List<String> moved = scopes.stream()
                    .map(scope -> ACCOUNT_SCOPE.equals(scope) ? ZONE_SCOPE : ACCOUNT_SCOPE)
                    .distinct()
                    .toList();
            final List<String> other;
            if (known.size() >= 2) {
                other = List.of(scopes.get(random.nextInt(scopes.size())));
            } else {
                final String added = known.contains(ACCOUNT_SCOPE) ? ZONE_SCOPE : ACCOUNT_SCOPE;
                other = List.of(scopes.get(0), added);
            }
            final boolean movedDiffers = !new HashSet<>(moved).equals(known);
            return movedDiffers && random.nextDouble() < 0.6 ? moved : other;
        }

        /** Moves one to three items, so the bytes and order change but the content does not. */
        private void reorderGroups() {
            final List<PermissionGroup> before = List.copyOf(current);
            final int moves = 1 + random.nextInt(3);
            for (int move = 0; move < moves; move++) {
                final int from = random.nextInt(current.size());
                int to = random.nextInt(current.size() - 1);
                if (to >= from) {
                    to++;
                }
                current.add(to, current.remove(from));
            }
            if (current.equals(before)) {
                // The moves cancelled out, so a swap of the first two items changes the order.
                current.set(0, before.get(1));
                current.set(1, before.get(0));
            }
            stepMutations.add(Mutation.reorderedGroups());
        }

        /** Reverses the scopes of one group with two or more distinct scopes, if there is one. */
        private void reorderScopes() {
            final List<Integer> candidates = new ArrayList<>();
            for (int index = 0; index < current.size(); index++) {
                final List<String> scopes = current.get(index).getScopes();
                if (scopes != null && new HashSet<>(scopes).size() >= 2) {
                    candidates.add(index);
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            final int index = candidates.get(random.nextInt(candidates.size()));
            final PermissionGroup before = current.get(index);
            final List<String> reversed = new ArrayList<>(before.getScopes());
            Collections.reverse(reversed);
            final PermissionGroup after = PermissionGroup.newBuilder(before).setScopes(reversed).build();
            current.set(index, after);
            stepMutations.add(Mutation.changed(Mutation.Kind.REORDER_SCOPES, before, after));
        }

        private String newPermissionId() {
            while (true) {
                final byte[] bytes = new byte[16];
                random.nextBytes(bytes);
                final String id = HexFormat.of().formatHex(bytes);
                if (usedIds.add(id)) {
                    return id;
                }
            }
        }
    }
}
