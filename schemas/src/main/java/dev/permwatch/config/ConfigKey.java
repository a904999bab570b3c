package dev.permwatch.config;

import java.util.Objects;

/**
 * One permwatch configuration key, for {@code --help} output and the key table in
 * docs/configuration.md. Each app lists its keys once, in a key registry.
 *
 * @param name         the key; {@code <name>} stands for a source name
 * @param type         value type, for example {@code integer}, {@code duration}, {@code topic}
 * @param unit         unit of the value, or empty when it has none
 * @param defaultValue default, or {@code required} or {@code none}
 * @param description  one or two sentences: what the key sets, its range and its effect
 */
public record ConfigKey(String name, String type, String unit, String defaultValue, String description) {

    /** Default of a key that must be set. */
    public static final String REQUIRED = "required";
    /** Default of an optional key without a value. */
    public static final String NONE = "none";

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
    }

    /** Returns the environment variable that overrides this key, for example {@code PERMWATCH_TOPIC_SNAPSHOTS}. */
    public String environmentVariable() {
        return ConfigLoader.environmentVariable(name.replace("<name>", "<NAME>"))
                .replace("<NAME>", "<name>");
    }
}
