package dev.permwatch.local.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest; "development build" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        final String version = PermwatchCli.class.getPackage().getImplementationVersion();
        return new String[] {"permwatch " + (version == null ? "development build" : version)};
    }
}
