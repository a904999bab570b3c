package dev.permwatch.local.eos;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A generated snapshot series: the lists that each source returns at each step.
 *
 * @param seed    seed that {@link SeriesGenerator} drew the series with; any value for a series built by hand
 * @param steps   number of steps of every source, step 0 (the baseline) included, at least 2
 * @param sources the series of each source, at least one, with distinct source keys and names; never null
 */
public record GeneratedSeries(long seed, int steps, List<SourceSeries> sources) {

    public GeneratedSeries {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("A generated series needs at least one source");
        }
        final Set<String> keys = new HashSet<>();
        final Set<String> names = new HashSet<>();
        for (final SourceSeries source : sources) {
            if (source.steps() != steps) {
                throw new IllegalArgumentException("Series " + source.name() + " has " + source.steps()
                        + " steps, expected " + steps + " like every source of the series");
            }
            if (!keys.add(source.sourceKey()) || !names.add(source.name())) {
                throw new IllegalArgumentException("Source " + source.name() + " (" + source.sourceKey()
                        + ") appears twice; every source of a series needs its own name and source key");
            }
        }
    }

    /**
     * Returns the series of one source.
     *
     * @throws IllegalArgumentException if no source has that key
     */
    public SourceSeries source(final String sourceKey) {
        return sources.stream()
                .filter(source -> source.sourceKey().equals(sourceKey))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No source with key '" + sourceKey
                        + "' in the series; its keys are " + sources.stream().map(SourceSeries::sourceKey).toList()));
    }
}
