package dev.permwatch.poller.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenTest {

    private static final String VALUE = "tokenValue_0123456789abcdefXYZ";
    private final Token token = Token.of(VALUE, "the test");

    @Test
    void redactMasksWholeToken() {
        assertThat(token.redact("Bearer " + VALUE + " rejected")).isEqualTo("Bearer **** rejected");
    }

    @Test
    void redactMasksTokenCutByTruncation() {
        final String cut = "Unauthorized: Bearer " + VALUE.substring(0, 12) + "... (94 characters)";

        assertThat(token.redact(cut)).isEqualTo("Unauthorized: Bearer ****... (94 characters)");
    }

    @Test
    void redactMasksTokenTail() {
        assertThat(token.redact("..." + VALUE.substring(10))).isEqualTo("...****");
    }

    @Test
    void redactKeepsShortCommonPieces() {
        // "token" and "0123" are pieces of the token too, but shorter than the masked minimum.
        assertThat(token.redact("token 0123 ok")).isEqualTo("token 0123 ok");
    }

    @Test
    void toStringHidesToken() {
        assertThat(token.toString()).isEqualTo("****");
    }
}
