package dev.permwatch.config;

import java.util.List;

/** Renders a key registry as {@code --help} text and as the Markdown table of docs/configuration.md. */
public final class ConfigHelp {

    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    private ConfigHelp() {
    }

    /**
     * Returns one block per key: the key with type, unit and default on the first line, then the
     * environment variable and the description, wrapped at 100 columns.
     */
    public static String text(final List<ConfigKey> keys) {
        final StringBuilder out = new StringBuilder();
        for (final ConfigKey key : keys) {
            out.append("  ").append(key.name()).append("  (").append(key.type());
            if (!key.unit().isEmpty()) {
                out.append(", ").append(key.unit());
            }
            out.append(", default: ").append(key.defaultValue()).append(")\n");
            out.append(INDENT).append("env: ").append(key.environmentVariable()).append('\n');
            wrap(key.description(), out);
        }
        return out.toString();
    }

    /** Returns the Markdown table (header and one row per key) that docs/configuration.md contains. */
    public static String markdownTable(final List<ConfigKey> keys) {
        final StringBuilder out = new StringBuilder();
        out.append("| Key | Type | Unit | Default | Description |\n");
        out.append("|-----|------|------|---------|-------------|\n");
        for (final ConfigKey key : keys) {
            out.append("| `").append(key.name()).append("` | ").append(key.type()).append(" | ")
                    .append(key.unit().isEmpty() ? "-" : key.unit()).append(" | ").append(markdownDefault(key))
                    .append(" | ").append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    /** Returns the default as code, or as plain words when there is none ({@code required}, {@code none}). */
    private static String markdownDefault(final ConfigKey key) {
        final String value = key.defaultValue();
        if (value.equals(ConfigKey.NONE) || value.startsWith(ConfigKey.REQUIRED)) {
            return value;
        }
        return "`" + value + "`";
    }

    private static void wrap(final String text, final StringBuilder out) {
        StringBuilder line = new StringBuilder(INDENT);
        for (final String word : text.split("\\s+")) {
            if (line.length() > INDENT.length() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(INDENT);
            }
            if (line.length() > INDENT.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }
}
