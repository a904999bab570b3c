package dev.permwatch.local.cli;

import dev.permwatch.local.stack.RemovalSettings;
import picocli.CommandLine.Option;

/** The removal-confirmation and shrink-guard options that {@code local} and {@code replay} share. */
final class RemovalOptions {

    @Option(names = "--removal-confirmations", paramLabel = "N",
            description = "Consecutive accepted snapshots a permission group must be absent from before it is"
                    + " removed; 1 removes it at its first absence (default: the streams app's, 2).")
    private Integer removalConfirmations;

    @Option(names = "--shrink-guard-max-share", paramLabel = "SHARE",
            description = "Share of the catalog, 0 to 1, that one snapshot may make absent before its removals are"
                    + " held for confirmation (default: the streams app's, 0.1).")
    private Double shrinkGuardMaxShare;

    @Option(names = "--shrink-guard-max-count", paramLabel = "N",
            description = "Number of groups one snapshot may make absent before its removals are held for"
                    + " confirmation (default: the streams app's, 25).")
    private Integer shrinkGuardMaxCount;

    /** Returns the settings; an option that was not given stays null, so the streams app's default applies. */
    RemovalSettings toSettings() {
        return new RemovalSettings(removalConfirmations, shrinkGuardMaxShare, shrinkGuardMaxCount);
    }
}
