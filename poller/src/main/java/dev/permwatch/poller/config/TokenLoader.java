package dev.permwatch.poller.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the Cloudflare API token from an environment variable or a file. A token is never taken
 * from a command-line argument or the properties file, where it would show up in process lists
 * and backups. Errors name the variable or file, never the token.
 */
final class TokenLoader {

    private static final Logger LOG = LoggerFactory.getLogger(TokenLoader.class);

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A token file is a few dozen bytes; anything far larger is the wrong file. */
    private static final long MAX_TOKEN_FILE_BYTES = 4096;

    private TokenLoader() {
    }

    /**
     * Loads the token from the file when {@code tokenFile} is set, otherwise from the environment
     * variable {@code envName}.
     *
     * @param envNameExplicit whether {@code envName} was set in the properties rather than defaulted
     */
    static Token load(final String envName, final boolean envNameExplicit, final String tokenFile,
                      final Map<String, String> env) {
        if (tokenFile != null) {
            if (envNameExplicit) {
                throw new PollerConfigException(PollerConfig.TOKEN_FILE, "Both "
                        + PollerConfig.TOKEN_ENV + " and " + PollerConfig.TOKEN_FILE
                        + " are set: keep only one, so it is clear where the token comes from");
            }
            return fromFile(tokenFile);
        }
        return fromEnvironment(envName, env);
    }

    private static Token fromEnvironment(final String envName, final Map<String, String> env) {
        if (!ENV_NAME.matcher(envName).matches()) {
            throw new PollerConfigException(PollerConfig.TOKEN_ENV, "Invalid value '" + envName + "' for "
                    + PollerConfig.TOKEN_ENV + ": expected an environment variable name such as CLOUDFLARE_API_TOKEN");
        }
        final String value = env.get(envName);
        if (value == null) {
            throw new PollerConfigException(envName, "The environment variable " + envName
                    + " is not set: export the Cloudflare API token in it, or set "
                    + PollerConfig.TOKEN_FILE + " to a file that contains the token");
        }
        return Token.of(value.trim(), "the environment variable " + envName);
    }

    private static Token fromFile(final String tokenFile) {
        final Path path;
        try {
            path = Path.of(tokenFile);
        } catch (final InvalidPathException e) {
            throw new PollerConfigException(PollerConfig.TOKEN_FILE, "Invalid value '" + tokenFile
                    + "' for " + PollerConfig.TOKEN_FILE + ": not a file path (" + e.getReason() + ")");
        }
        final String origin = "the file " + path;
        // Checked before size and permissions, so a directory gets one clear error and no warning.
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new PollerConfigException(PollerConfig.TOKEN_FILE, "The token file " + path + " set in "
                    + PollerConfig.TOKEN_FILE + " is " + (Files.isDirectory(path) ? "a directory" : "not a regular file")
                    + ": point it at a regular file that contains only the Cloudflare API token");
        }
        try {
            if (Files.size(path) > MAX_TOKEN_FILE_BYTES) {
                throw new PollerConfigException(PollerConfig.TOKEN_FILE, "The token file " + path
                        + " is larger than " + MAX_TOKEN_FILE_BYTES + " bytes: point "
                        + PollerConfig.TOKEN_FILE + " at a file that contains only the token");
            }
            warnIfReadableByOthers(path);
            return Token.of(Files.readString(path, StandardCharsets.UTF_8).trim(), origin);
        } catch (final NoSuchFileException e) {
            throw new PollerConfigException(PollerConfig.TOKEN_FILE, "The token file " + path
                    + " set in " + PollerConfig.TOKEN_FILE + " does not exist: create it with the"
                    + " Cloudflare API token, or fix the path");
        } catch (final IOException e) {
            // The exception text names the file and the OS error, never the content.
            throw new PollerConfigException(PollerConfig.TOKEN_FILE, "Cannot read the token file " + path
                    + " set in " + PollerConfig.TOKEN_FILE + ": " + e + "; check the path and its permissions", e);
        }
    }

    private static void warnIfReadableByOthers(final Path path) throws IOException {
        final Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (final UnsupportedOperationException e) {
            return;
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.warn("Token file {} is readable by its group or by others; restrict it with chmod 600", path);
        }
    }
}
