package dev.permwatch.poller.cloudflare;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into a byte array and cancels the download as soon as it grows past
 * a cap, so an oversized or endless body cannot exhaust memory.
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    /** The body had more bytes than the cap. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(final String message) {
            super(message);
        }
    }

    private final long maxBytes;
    private final long declaredLength;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    /**
     * @param maxBytes       largest accepted body, in bytes
     * @param declaredLength the Content-Length header, or -1 when absent
     */
    CappedBodySubscriber(final long maxBytes, final long declaredLength) {
        this.maxBytes = maxBytes;
        this.declaredLength = declaredLength;
    }

    @Override
    public void onSubscribe(final Flow.Subscription newSubscription) {
        this.subscription = newSubscription;
        if (declaredLength > maxBytes) {
            newSubscription.cancel();
            body.completeExceptionally(new BodyTooLargeException("Content-Length " + declaredLength
                    + " exceeds the limit of " + maxBytes + " bytes"));
            return;
        }
        newSubscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(final List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (final ByteBuffer chunk : buffers) {
            if (buffer.size() + (long) chunk.remaining() > maxBytes) {
                subscription.cancel();
                body.completeExceptionally(new BodyTooLargeException("The body exceeds the limit of "
                        + maxBytes + " bytes; reading stopped there"));
                return;
            }
            final byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            buffer.write(bytes, 0, bytes.length);
        }
    }

    @Override
    public void onError(final Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    /** Stops the download, for example after the request timed out. */
    void cancel() {
        final Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
