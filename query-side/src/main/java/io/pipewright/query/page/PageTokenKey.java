package io.pipewright.query.page;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The key that signs page tokens, generated once by the database migration from PostgreSQL's strong random source
 * and read once per process: every node of a control plane shares it and it survives restarts, so a client can follow
 * {@code next_page_token} across nodes and deployments, and no operator has to configure a secret for it.
 */
@Component
public class PageTokenKey {

    private final Mono<PageTokens> tokens;

    PageTokenKey(DatabaseClient database) {
        this.tokens = database.sql("SELECT secret FROM page_token_key")
                .map(row -> new PageTokens(row.get("secret", byte[].class)))
                .one()
                .cache(loaded -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO, () -> Duration.ZERO);
    }

    public Mono<PageTokens> tokens() {
        return tokens;
    }
}
