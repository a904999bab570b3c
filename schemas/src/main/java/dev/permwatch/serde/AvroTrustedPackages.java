package dev.permwatch.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes Avro trust the generated record classes of this project.
 *
 * <p>Avro 1.12.2 checks every class it loads by name ({@code ClassUtils.forName}) against
 * {@code ClassSecurityValidator}'s global predicate and throws {@link SecurityException} for an
 * untrusted one. That happens when a {@code SpecificDatumReader} or {@code SpecificData} first maps
 * a record or enum schema to its class, so reading {@code dev.permwatch.avro.Snapshot} fails unless
 * {@code dev.permwatch} is trusted. The default predicate trusts a few {@code java.lang} and
 * {@code java.math} classes plus the packages in the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}, which Avro reads only once, when
 * {@code ClassSecurityValidator} or {@code SpecificDatumReader} is first initialized.
 *
 * <p>Setting the property is therefore too late once any Avro specific reading has happened in the
 * JVM. {@link #ensureTrusted()} sets the property (for code that reports it, such as
 * {@code SpecificDatumReader.getTrustedPackages()}) and also installs a global predicate that
 * trusts {@code dev.permwatch}, which works at any time. The serializer, deserializer and serde
 * call it in their static initializers, so no main method needs to do anything.
 */
public final class AvroTrustedPackages {

    /** System property that Avro reads its trusted packages from. */
    public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    /** Package prefix of every class this project lets Avro instantiate. */
    public static final String PACKAGE = "dev.permwatch";

    private static boolean installed;

    private AvroTrustedPackages() {
    }

    /**
     * Adds {@code dev.permwatch} to Avro's trusted packages, keeping what is already trusted.
     * Idempotent and thread-safe.
     */
    public static synchronized void ensureTrusted() {
        if (installed) {
            return;
        }
        addToProperty();
        final ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                AvroTrustedPackages::isProjectClass));
        installed = true;
    }

    private static boolean isProjectClass(final Class<?> type) {
        return type.getName().startsWith(PACKAGE + ".");
    }

    private static void addToProperty() {
        final String current = System.getProperty(PROPERTY);
        final List<String> packages = new ArrayList<>();
        if (current != null && !current.isBlank()) {
            packages.addAll(Arrays.asList(current.split(",")));
        }
        if (packages.stream().map(String::trim).noneMatch(entry -> entry.equals(PACKAGE) || entry.equals("*"))) {
            packages.add(PACKAGE);
            System.setProperty(PROPERTY, String.join(",", packages));
        }
    }
}
