package dev.permwatch.poller.config;

import dev.permwatch.schemas.UrlRedaction;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks the Cloudflare API base URL. */
final class BaseUrls {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Two or three dot-separated numbers, such as 127.1: the shortened IPv4 forms that inet_aton accepts. */
    private static final Pattern SHORT_IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){1,2}");

    private BaseUrls() {
    }

    /**
     * Parses the base URL and removes a trailing slash.
     *
     * @throws PollerConfigException if the URL is not absolute http(s), contains {@code @} (user
     *                               info, or an {@code @} in the path), has a query or a fragment,
     *                               or uses plain http for a host that is not loopback
     */
    static URI parse(final String key, final String text) {
        // Messages show the value only redacted, because user info may carry a password, and a '/'
        // in that password keeps java.net.URI from parsing it as user info at all.
        final String shown = UrlRedaction.redactUserInfo(text);
        final URI uri;
        try {
            uri = new URI(text);
        } catch (final URISyntaxException e) {
            throw new PollerConfigException(key, "Invalid value '" + shown + "' for " + key
                    + ": not a URL (" + e.getReason() + "); write for example https://api.cloudflare.com/client/v4");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new PollerConfigException(key, "Invalid value '" + shown + "' for " + key
                    + ": the scheme must be https; write for example https://api.cloudflare.com/client/v4");
        }
        if (uri.getRawUserInfo() != null || text.indexOf('@') >= 0) {
            // The user info may itself be a credential, so the value is not repeated.
            throw new PollerConfigException(key, "Invalid value for " + key
                    + ": the URL contains '@', so it has user info before the host or an '@' in its path;"
                    + " remove it, because the API token is read from permwatch.cloudflare.token.env or"
                    + " permwatch.cloudflare.token.file");
        }
        if (uri.getHost() == null) {
            throw new PollerConfigException(key, "Invalid value '" + shown + "' for " + key
                    + ": " + missingHostReason(uri) + "; write for example https://api.cloudflare.com/client/v4");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new PollerConfigException(key, "Invalid value '" + shown + "' for " + key
                    + ": the base URL must not have a query or fragment; a filtered list is a partial"
                    + " list, so write only the API root such as https://api.cloudflare.com/client/v4");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new PollerConfigException(key, "Invalid value '" + shown + "' for " + key
                    + ": plain http is allowed only for a loopback host (localhost, 127.0.0.1, [::1]),"
                    + " because the request carries the API token; use https");
        }

        String normalized = uri.toString();
        while (normalized.endsWith("/")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return URI.create(normalized);
    }

    /**
     * Explains why {@link URI#getHost()} is null. java.net.URI (RFC 2396) then keeps an authority
     * it cannot read as host and port, such as the shortened IPv4 form {@code 127.1}, a host name
     * whose last label starts with a digit or has an underscore, or a port that is not a number.
     * The caller has rejected {@code @}, so the authority contains no user info.
     */
    private static String missingHostReason(final URI uri) {
        final String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return "the URL has no host";
        }
        final String host = authority.replaceFirst(":[0-9]*$", "");
        if (SHORT_IPV4.matcher(host).matches()) {
            return "the host '" + host + "' is a shortened IPv4 address, which java.net.URI does not accept;"
                    + " write all four numbers, for example 127.0.0.1";
        }
        return "'" + authority + "' is not a valid host or host:port; write a DNS name, an IPv4 address with"
                + " all four numbers such as 127.0.0.1, or an IPv6 address in brackets such as [::1], and a numeric port";
    }

    /** Decides from the literal host alone, without a DNS lookup. */
    static boolean isLoopback(final String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (IPV4_LITERAL.matcher(host).matches()) {
            return isIpv4Loopback(host);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                // An address with a colon is parsed as an IPv6 literal, never looked up in DNS.
                return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
            } catch (final UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** Checks 127.0.0.0/8 by hand: InetAddress would send an invalid literal such as 127.0.0.999 to DNS. */
    private static boolean isIpv4Loopback(final String host) {
        final String[] octets = host.split("\\.");
        for (final String octet : octets) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return octets[0].equals("127");
    }
}
