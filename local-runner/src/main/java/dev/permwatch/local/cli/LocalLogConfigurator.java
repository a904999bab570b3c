package dev.permwatch.local.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.net.URL;

/**
 * Configures Logback from {@value #CONFIG_RESOURCE} for the permwatch command. The poller and
 * streams-app jars on the same class path each contain a {@code logback.xml} for running alone, so
 * Logback's default lookup would pick whichever comes first and warn about the others.
 *
 * <p>Registered through {@code META-INF/services} and ranked above Logback's default configurator.
 * It steps aside when {@code -Dlogback.configurationFile} is set or a {@code logback-test.xml} is on
 * the class path, so operators and tests keep Logback's usual overrides.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LocalLogConfigurator extends ContextAwareBase implements Configurator {

    static final String CONFIG_RESOURCE = "permwatch-local-logback.xml";

    @Override
    public ExecutionStatus configure(final LoggerContext context) {
        final ClassLoader classLoader = LocalLogConfigurator.class.getClassLoader();
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || classLoader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        final URL config = classLoader.getResource(CONFIG_RESOURCE);
        if (config == null) {
            addError("Logging configuration " + CONFIG_RESOURCE + " not found on the class path."
                    + " Rebuild permwatch-local-runner.jar. Until then Logback's default configuration applies");
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        final JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(config);
        } catch (final JoranException e) {
            // Logback records the cause in the context's status list and prints it after configuration.
            addError("Invalid logging configuration " + config, e);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
