package dev.permwatch.poller.cloudflare;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.Token;
import dev.permwatch.poller.ratelimit.RateLimitHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches the API-token permission-group list of one source from the Cloudflare API.
 *
 * <p>{@link #fetch(Source)} never throws for HTTP-level problems: timeouts, connection and TLS
 * errors, bad statuses and invalid bodies all become a {@link FetchResult.Failed}. It makes one
 * request per call; {@link dev.permwatch.poller.retry.RetryingFetcher} decides about retries.
 * Redirects are not followed, so the token is sent only to the configured host. TLS certificates
 * and host names are always checked by the JDK defaults, and no setting turns that off.
 *
 * <p>Instances are thread-safe and meant to be shared by all sources.
 */
public final class CloudflareClient {

    private static final Logger LOG = LoggerFactory.getLogger(CloudflareClient.class);

    private static final String USER_AGENT = "permwatch/" + version();
    private static final String JSON_MEDIA_TYPE = "application/json";

    /** Cloudflare refuses every call for 5 minutes once the user's rate limit is exceeded. */
    public static final Duration DEFAULT_RATE_LIMIT_PAUSE = Duration.ofMinutes(5);

    private final URI baseUrl;
    private final Token token;
    private final Duration requestTimeout;
    private final long maxBodyBytes;
    private final String pollerHost;
    private final Clock clock;
    private final HttpClient http;
    private final PermissionGroupListParser parser = new PermissionGroupListParser();

    /**
     * @param baseUrl        API root without a trailing slash, already checked by {@link PollerConfig}
     * @param token          the API token
     * @param connectTimeout TCP and TLS connect timeout
     * @param requestTimeout time from sending the request to reading the whole body
     * @param maxBodyBytes   largest accepted body, in bytes
     * @param pollerHost     host name recorded in the poll metadata; may be null
     * @param clock          source of the fetch time
     */
    public CloudflareClient(final URI baseUrl, final Token token, final Duration connectTimeout,
                            final Duration requestTimeout, final long maxBodyBytes, final String pollerHost,
                            final Clock clock) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.token = Objects.requireNonNull(token, "token");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.maxBodyBytes = maxBodyBytes;
        this.pollerHost = pollerHost;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/2 is negotiated through TLS, so plain http (loopback servers only) uses HTTP/1.1.
                .version("https".equalsIgnoreCase(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Creates a client from the poller configuration with the system clock. */
    public static CloudflareClient fromConfig(final PollerConfig config) {
        return new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), config.pollerHost(), Clock.systemUTC());
    }

    /** Returns the URL polled for a source. */
    public URI endpoint(final Source source) {
        if (source.getKind() == SourceKind.USER) {
            return URI.create(baseUrl + "/user/tokens/permission_groups");
        }
        return URI.create(baseUrl + "/accounts/" + source.getAccountId() + "/tokens/permission_groups");
    }

    /**
     * Fetches and validates the list of one source.
     *
     * @return an accepted list, or a failure with the reason; never null
     */
    public FetchResult fetch(final Source source) {
        final URI url = endpoint(source);
        final HttpRequest request = HttpRequest.newBuilder(url)
                .GET()
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token.reveal())
                .header("Accept", JSON_MEDIA_TYPE)
                .header("User-Agent", USER_AGENT)
                .build();

        final long startNanos = System.nanoTime();
        final HttpResponse<byte[]> response;
        try {
            response = send(request);
        } catch (final RequestFailedException e) {
            final PollFailure failure = redacted(e.failure);
            LOG.debug("GET {} failed: {}", url, failure.message());
            return new FetchResult.Failed(failure);
        }
        final long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        final Instant receivedAt = clock.instant();
        final FetchResult result = evaluate(url, response, latencyMillis, receivedAt);
        if (result instanceof FetchResult.Failed failed) {
            return new FetchResult.Failed(redacted(failed.failure()));
        }
        return result;
    }

    /**
     * Removes the token from the text of a failure. Messages quote response bodies, headers and
     * transport errors, and a proxy or a faulty server may echo the Authorization header there.
     */
    private PollFailure redacted(final PollFailure failure) {
        final List<CloudflareError> errors = failure.cloudflareErrors().stream()
                .map(error -> new CloudflareError(error.code(), error.message() == null ? null : token.redact(error.message())))
                .toList();
        return new PollFailure(failure.reason(), token.redact(failure.message()), failure.httpStatus(), errors,
                failure.retryAfter(), failure.localLimit());
    }

    private HttpResponse<byte[]> send(final HttpRequest request) throws RequestFailedException {
        final AtomicReference<CappedBodySubscriber> subscriber = new AtomicReference<>();
        final HttpResponse.BodyHandler<byte[]> handler = info -> {
            final CappedBodySubscriber capped = new CappedBodySubscriber(maxBodyBytes,
                    info.headers().firstValueAsLong("content-length").orElse(-1));
            subscriber.set(capped);
            return capped;
        };

        final CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, handler);
        try {
            return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            abort(future, subscriber.get());
            throw new RequestFailedException(PollFailure.of(Reason.TIMEOUT, "No complete response from "
                    + request.uri() + " within " + requestTimeout.toMillis() + " ms"));
        } catch (final InterruptedException e) {
            abort(future, subscriber.get());
            Thread.currentThread().interrupt();
            throw new RequestFailedException(PollFailure.of(Reason.INTERRUPTED, "Interrupted while waiting for "
                    + request.uri()));
        } catch (final ExecutionException e) {
            throw new RequestFailedException(transportFailure(request.uri(), e.getCause()));
        }
    }

    private static void abort(final CompletableFuture<?> future, final CappedBodySubscriber subscriber) {
        // Cancelling the future requests the JDK client to abort the exchange, and cancelling the
        // subscription stops the body download even where the client does not.
        future.cancel(true);
        if (subscriber != null) {
            subscriber.cancel();
        }
    }

    private PollFailure transportFailure(final URI url, final Throwable cause) {
        if (findCause(cause, CappedBodySubscriber.BodyTooLargeException.class) != null) {
            return PollFailure.of(Reason.BODY_TOO_LARGE, "Response from " + url + " rejected: "
                    + findCause(cause, CappedBodySubscriber.BodyTooLargeException.class).getMessage()
                    + " (permwatch.http.max.body.bytes)");
        }
        if (findCause(cause, HttpConnectTimeoutException.class) != null) {
            return PollFailure.of(Reason.TIMEOUT, "Connecting to " + url + " timed out");
        }
        if (findCause(cause, HttpTimeoutException.class) != null) {
            return PollFailure.of(Reason.TIMEOUT, "No response headers from " + url + " within "
                    + requestTimeout.toMillis() + " ms");
        }
        final SSLException tls = findCause(cause, SSLException.class);
        if (tls != null) {
            return PollFailure.of(Reason.TLS_FAILED, "TLS handshake with " + url.getHost() + " failed: "
                    + tls.getMessage());
        }
        final ConnectException refused = findCause(cause, ConnectException.class);
        if (refused != null) {
            // The JDK client often leaves the message of a refused connection empty.
            final String detail = refused.getMessage() == null ? "connection refused" : refused.getMessage();
            return PollFailure.of(Reason.CONNECTION_FAILED, "Cannot connect to " + url.getHost() + ":"
                    + port(url) + ": " + detail);
        }
        return PollFailure.of(Reason.CONNECTION_FAILED, "Request to " + url + " failed: " + messageOf(cause));
    }

    private FetchResult evaluate(final URI url, final HttpResponse<byte[]> response, final long latencyMillis,
                                 final Instant receivedAt) {
        final int status = response.statusCode();
        final byte[] body = response.body();
        final HttpHeaders headers = response.headers();

        if (status != 200) {
            return statusFailure(url, status, body, headers);
        }

        final String contentType = headers.firstValue("content-type").orElse("");
        final String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(JSON_MEDIA_TYPE)) {
            return new FetchResult.Failed(new PollFailure(Reason.UNEXPECTED_CONTENT_TYPE, "Response from " + url
                    + " has Content-Type '" + contentType + "', expected " + JSON_MEDIA_TYPE, status, List.of(), null));
        }

        final List<PermissionGroup> groups;
        try {
            groups = parser.parse(body);
        } catch (final InvalidResponseException e) {
            final Reason reason = e.isApiError() ? Reason.API_ERROR : Reason.INVALID_RESPONSE;
            return new FetchResult.Failed(new PollFailure(reason, "Response from " + url + " rejected: "
                    + e.getMessage(), status, e.cloudflareErrors(), null));
        }

        final PollMetadata metadata = PollMetadata.newBuilder()
                .setOrigin(url.toString())
                .setHttpStatus(status)
                .setCfRay(headers.firstValue("cf-ray").orElse(null))
                .setLatencyMillis(latencyMillis)
                .setResponseBytes((long) body.length)
                .setPollerHost(pollerHost)
                .build();
        return new FetchResult.Accepted(groups, metadata, receivedAt);
    }

    private FetchResult statusFailure(final URI url, final int status, final byte[] body, final HttpHeaders headers) {
        final List<CloudflareError> errors = parser.cloudflareErrors(body);
        if (status == 429) {
            final Duration retryAfter = retryAfter(headers).orElse(DEFAULT_RATE_LIMIT_PAUSE);
            LOG.warn("HTTP 429 from {}: retryAfterSeconds={} cloudflareErrors={} rateLimitHeaders=[{}]", url,
                    retryAfter.toSeconds(), token.redact(errors.toString()),
                    token.redact(RateLimitHeaders.from(headers).toString()));
            return new FetchResult.Failed(new PollFailure(Reason.RATE_LIMITED, "Cloudflare rate limit exceeded for "
                    + url + "; polls pause for " + retryAfter.toSeconds() + "s", status, errors, retryAfter));
        }
        String message = "HTTP " + status + " from " + url;
        if (status >= 300 && status < 400) {
            message += ": redirects are not followed, so that the token is sent only to the configured host;"
                    + " check permwatch.cloudflare.base.url";
        } else if (status == 401 || status == 403) {
            message += ": check that the API token is valid and may read permission groups";
        }
        return new FetchResult.Failed(new PollFailure(Reason.HTTP_STATUS, message, status, errors, null));
    }

    private Optional<Duration> retryAfter(final HttpHeaders headers) {
        final Optional<String> header = headers.firstValue("retry-after");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        final String value = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (final NumberFormatException notSeconds) {
            try {
                final Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                final Duration wait = Duration.between(clock.instant(), until);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (final DateTimeParseException notDate) {
                LOG.debug("Ignoring unparseable retry-after header '{}'", token.redact(value));
                return Optional.empty();
            }
        }
    }

    private static <T extends Throwable> T findCause(final Throwable error, final Class<T> type) {
        Throwable current = error;
        while (current != null) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        return null;
    }

    private static String messageOf(final Throwable error) {
        final String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private static int port(final URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static String version() {
        final String version = CloudflareClient.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Carries a failure out of {@link #send}; never leaves this class. */
    private static final class RequestFailedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient PollFailure failure;

        RequestFailedException(final PollFailure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }
    }
}
