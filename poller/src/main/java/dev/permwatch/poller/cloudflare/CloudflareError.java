package dev.permwatch.poller.cloudflare;

/**
 * One entry of the {@code errors} array of a Cloudflare API envelope.
 *
 * @param code    the Cloudflare error code, for example 9109; null when the entry had none
 * @param message the error message as sent; null when the entry had none
 */
public record CloudflareError(Integer code, String message) {

    @Override
    public String toString() {
        return code + " " + message;
    }
}
