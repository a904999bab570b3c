package dev.permwatch.schemas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlRedactionTest {

    @Test
    void plainUserInfoIsHidden() {
        assertThat(UrlRedaction.redactUserInfo("http://reader:s3cret@127.0.0.1:8081"))
                .isEqualTo("http://***@127.0.0.1:8081");
    }

    @Test
    void slashInPasswordIsHidden() {
        final String redacted = UrlRedaction.redactUserInfo("http://regUser:REGSECRET/PW@127.0.0.1:18798");

        assertThat(redacted).isEqualTo("http://***@127.0.0.1:18798");
        assertThat(redacted).doesNotContain("REGSECRET");
        assertThat(redacted).doesNotContain("PW");
    }

    @Test
    void slashInPasswordBeforePathIsHidden() {
        final String redacted = UrlRedaction.redactUserInfo("https://user:CFSECRET/PW@127.0.0.1:18765/client/v4");

        assertThat(redacted).isEqualTo("https://***@127.0.0.1:18765/client/v4");
    }

    @Test
    void atQuestionAndHashInPasswordAreHidden() {
        final String redacted = UrlRedaction.redactUserInfo("http://user:a@b?c#d/e@127.0.0.1:8081/path");

        assertThat(redacted).isEqualTo("http://***@127.0.0.1:8081/path");
    }

    @Test
    void userInfoWithoutSchemeIsHidden() {
        assertThat(UrlRedaction.redactUserInfo("user:SECRET@127.0.0.1:8081")).isEqualTo("***@127.0.0.1:8081");
    }

    @Test
    void atInPathHidesTheHostToo() {
        assertThat(UrlRedaction.redactUserInfo("http://127.0.0.1:8081/a@b")).isEqualTo("http://***@b");
    }

    @Test
    void urlWithoutAtIsUnchanged() {
        assertThat(UrlRedaction.redactUserInfo("https://api.cloudflare.com/client/v4"))
                .isEqualTo("https://api.cloudflare.com/client/v4");
        assertThat(UrlRedaction.redactUserInfo("mock://scope")).isEqualTo("mock://scope");
    }

    @Test
    void nullStaysNull() {
        assertThat(UrlRedaction.redactUserInfo(null)).isNull();
    }
}
