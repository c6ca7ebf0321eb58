package io.pipewright.query.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;

/** A page token carries its keyset exactly and is refused as a 400 on page_token once anything in it changes. */
class PageTokensTest {

    private static final Keyset KEYSET = new Keyset(Instant.parse("2026-06-22T10:00:00.123456Z"), UUID.randomUUID());
    private final PageTokens tokens = new PageTokens("a key of thirty-two bytes, here!".getBytes(StandardCharsets.UTF_8));

    @Test
    void aTokenGivesBackItsKeysetToTheListingItCameFrom() {
        String token = tokens.encode(KEYSET, "pipelines\u0000org");

        assertThat(tokens.decode(token, "pipelines\u0000org")).isEqualTo(KEYSET);
        assertThat(token).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void everyAlteredByteIsRefused() {
        byte[] token = Base64.getUrlDecoder().decode(tokens.encode(KEYSET, "listing"));
        for (int index = 0; index < token.length; index++) {
            byte[] tampered = token.clone();
            tampered[index] ^= 1;
            String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
            assertRefused(() -> tokens.decode(altered, "listing"));
        }
    }

    @Test
    void aTokenOfAnotherListingOrKeyOrShapeIsRefused() {
        String token = tokens.encode(KEYSET, "pipelines\u0000org-a");

        assertRefused(() -> tokens.decode(token, "pipelines\u0000org-b"));
        assertRefused(() -> new PageTokens("another key of thirty-two bytes!".getBytes(StandardCharsets.UTF_8))
                .decode(token, "pipelines\u0000org-a"));
        assertRefused(() -> tokens.decode(token.substring(1), "pipelines\u0000org-a"));
        assertRefused(() -> tokens.decode(token + "AA", "pipelines\u0000org-a"));
        assertRefused(() -> tokens.decode("not base64!", "pipelines\u0000org-a"));
        assertRefused(() -> tokens.decode("", "pipelines\u0000org-a"));
    }

    @Test
    void aNameKeysetComesBackWholeAndOnlyToItsListing() {
        NameKeyset keyset = new NameKeyset("daily_revenue_pipeline \u00e9t\u00e9 \ud83d\ude80", UUID.randomUUID());
        String token = tokens.encode(keyset, "dag-pipelines");

        assertThat(tokens.decodeNamed(token, "dag-pipelines")).isEqualTo(keyset);
        assertThat(tokens.decodeNamed(tokens.encode(new NameKeyset("", keyset.id()), "l"), "l"))
                .isEqualTo(new NameKeyset("", keyset.id()));
        assertRefused(() -> tokens.decodeNamed(token, "dag-pipelines-2"));
        assertRefused(() -> tokens.decodeNamed(tokens.encode(KEYSET, "dag-pipelines"), "dag-pipelines"));
        assertRefused(() -> tokens.decode(token, "dag-pipelines"));
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        bytes[20] ^= 1;
        assertRefused(() -> tokens.decodeNamed(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                "dag-pipelines"));
    }

    private static void assertRefused(Runnable decode) {
        assertThatThrownBy(decode::run)
                .isInstanceOfSatisfying(InvalidParameter.class, refused -> {
                    ProblemDetail problem = refused.getBody();
                    assertThat(problem.getStatus()).isEqualTo(400);
                    assertThat(problem.getProperties()).containsEntry("field", "page_token")
                            .containsEntry("rule", "must be a next_page_token this listing returned");
                });
    }
}
