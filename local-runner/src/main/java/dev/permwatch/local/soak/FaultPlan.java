package dev.permwatch.local.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The list and the fault of every poll of a soak run, drawn from a seed so a run can be repeated.
 *
 * <p>The series walks the recorded lists forward and back (0, 1, ..., n-1, n-2, ..., 1, 0, ...),
 * serving each list for one block of polls. Faults are spread over every block at the requested
 * rate, and their kinds rotate in a shuffled order, so every kind occurs once per round.
 *
 * <p>Two limits keep the faulty series comparable with the clean one. Each block keeps at least
 * {@link #MIN_CLEAN_POLLS_PER_BLOCK} polls without a fault, because a list that is visible to
 * fewer accepted polls than the removal confirmations need is legitimately diffed differently.
 * A partial list comes only between two accepted full copies of the same list. Consecutive partial
 * lists that all omit a group are indistinguishable from its removal. A partial list just before a
 * real removal of the same groups counts as one of its confirmations, so those REMOVED events would
 * come one snapshot early. They would be correct, but in another order than in the clean series.
 */
final class FaultPlan {

    /** Clean polls per block: the shrink guard needs the holding snapshot plus two confirmations. */
    static final int MIN_CLEAN_POLLS_PER_BLOCK = 3;

    /**
     * One poll.
     *
     * @param listIndex      index of the recorded list the API serves
     * @param fault          the injected fault, or null for none
     * @param transientFault whether only the first attempt gets the fault, so a retry succeeds
     * @param partialDrop    for {@link FaultKind#PARTIAL_LIST}: number of groups left out
     */
    record PlannedPoll(int listIndex, FaultKind fault, boolean transientFault, int partialDrop) {

        /** Returns whether the poller accepts this poll's response as the full list. */
        boolean yieldsFullList() {
            return fault == null || (fault.retryable() && transientFault);
        }
    }

    private final List<PlannedPoll> polls;

    private FaultPlan(final List<PlannedPoll> polls) {
        this.polls = List.copyOf(polls);
    }

    /**
     * Draws a plan.
     *
     * @param polls       number of polls, at least 1
     * @param listSizes   number of groups in each recorded list, at least one list
     * @param blockLength polls per list, more than {@link #MIN_CLEAN_POLLS_PER_BLOCK}
     * @param faultRate   share of polls with a fault, 0 to 1; capped per block by the clean polls it keeps
     * @param seed        seed of the random choices
     */
    static FaultPlan draw(final int polls, final List<Integer> listSizes, final int blockLength,
                          final double faultRate, final long seed) {
        if (polls < 1) {
            throw new IllegalArgumentException("Invalid poll count " + polls + ": expected at least 1");
        }
        if (listSizes.isEmpty()) {
            throw new IllegalArgumentException("No recorded lists: expected at least one");
        }
        if (blockLength <= MIN_CLEAN_POLLS_PER_BLOCK) {
            throw new IllegalArgumentException("Invalid block length " + blockLength + ": expected more than "
                    + MIN_CLEAN_POLLS_PER_BLOCK + " polls per list");
        }
        if (!(faultRate >= 0.0 && faultRate <= 1.0)) {
            throw new IllegalArgumentException("Invalid fault rate " + faultRate + ": expected 0 to 1");
        }

        final Random random = new Random(seed);
        final List<Integer> walk = walk(listSizes.size());
        final KindRotation kinds = new KindRotation(random);
        final List<PlannedPoll> planned = new ArrayList<>(polls);
        // Index of the list whose full copy was accepted last; -1 after a partial list or before the first.
        int lastFullList = -1;
        for (int block = 0; planned.size() < polls; block++) {
            final int listIndex = walk.get(block % walk.size());
            final boolean[] faulty = faultPositions(blockLength, faultRate, random);
            for (int position = 0; position < blockLength && planned.size() < polls; position++) {
                if (!faulty[position]) {
                    planned.add(new PlannedPoll(listIndex, null, false, 0));
                    lastFullList = listIndex;
                    continue;
                }
                final boolean partialAllowed = lastFullList == listIndex && listSizes.get(listIndex) > 1
                        && hasCleanPollAfter(faulty, position);
                final FaultKind kind = kinds.next(partialAllowed);
                final boolean transientFault = kind.retryable() && random.nextBoolean();
                int partialDrop = 0;
                if (kind == FaultKind.PARTIAL_LIST) {
                    partialDrop = partialDrop(listSizes.get(listIndex), random);
                }
                final PlannedPoll poll = new PlannedPoll(listIndex, kind, transientFault, partialDrop);
                planned.add(poll);
                if (poll.yieldsFullList()) {
                    lastFullList = listIndex;
                } else if (kind == FaultKind.PARTIAL_LIST) {
                    lastFullList = -1;
                }
            }
        }
        return new FaultPlan(planned);
    }

    /** Returns whether a poll without a fault follows {@code position} in the same block. */
    private static boolean hasCleanPollAfter(final boolean[] faulty, final int position) {
        for (int later = position + 1; later < faulty.length; later++) {
            if (!faulty[later]) {
                return true;
            }
        }
        return false;
    }

    List<PlannedPoll> polls() {
        return polls;
    }

    /** Returns 0, 1, ..., n-1, n-2, ..., 1: one round trip through the lists. */
    private static List<Integer> walk(final int lists) {
        final List<Integer> walk = new ArrayList<>();
        for (int i = 0; i < lists; i++) {
            walk.add(i);
        }
        for (int i = lists - 2; i > 0; i--) {
            walk.add(i);
        }
        return walk;
    }

    /**
     * Marks the faulty positions of one block: the expected count is {@code faultRate * blockLength},
     * at most {@code blockLength - MIN_CLEAN_POLLS_PER_BLOCK}, at random positions.
     */
    private static boolean[] faultPositions(final int blockLength, final double faultRate, final Random random) {
        final double expected = faultRate * blockLength;
        int count = (int) Math.floor(expected);
        if (random.nextDouble() < expected - count) {
            count++;
        }
        count = Math.min(count, blockLength - MIN_CLEAN_POLLS_PER_BLOCK);
        final List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < blockLength; i++) {
            positions.add(i);
        }
        Collections.shuffle(positions, random);
        final boolean[] faulty = new boolean[blockLength];
        for (int i = 0; i < count; i++) {
            faulty[positions.get(i)] = true;
        }
        return faulty;
    }

    /**
     * Returns how many groups a partial list leaves out: half the time one to three groups, which
     * only the removal confirmation absorbs, else half the list, which the shrink guard holds.
     */
    private static int partialDrop(final int listSize, final Random random) {
        if (random.nextBoolean()) {
            return Math.min(listSize - 1, 1 + random.nextInt(3));
        }
        return Math.max(1, listSize / 2);
    }

    /** Fault kinds in rounds: each round is every kind once, in a fresh random order. */
    private static final class KindRotation {

        private final Random random;
        private final List<FaultKind> round = new ArrayList<>();

        KindRotation(final Random random) {
            this.random = random;
        }

        /** Returns the next kind; when a partial list is not allowed here it stays for a later poll. */
        FaultKind next(final boolean partialAllowed) {
            if (round.isEmpty()) {
                round.addAll(List.of(FaultKind.values()));
                Collections.shuffle(round, random);
            }
            for (int i = 0; i < round.size(); i++) {
                if (round.get(i) != FaultKind.PARTIAL_LIST || partialAllowed) {
                    return round.remove(i);
                }
            }
            // Only the partial list is left and it is not allowed here: use any other kind.
            final List<FaultKind> others = new ArrayList<>(List.of(FaultKind.values()));
            others.remove(FaultKind.PARTIAL_LIST);
            return others.get(random.nextInt(others.size()));
        }
    }
}
