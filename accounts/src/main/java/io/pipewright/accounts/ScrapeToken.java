package io.pipewright.accounts;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The token Prometheus scrapes {@code /actuator/prometheus} with ({@code Authorization: Bearer}), so the scraper
 * needs no user: the operator generates it and configures only its SHA-256 in hex,
 * {@code pipewright.metrics.scrape-token-sha256}; unset, there is none. A request presenting it is a {@link Scraper},
 * which may GET the metrics and nothing else. The hashes are compared in constant time.
 */
@Component
class ScrapeToken {

    static final String METRICS_PATH = "/actuator/prometheus";

    private final byte[] sha256;

    ScrapeToken(@Value("${pipewright.metrics.scrape-token-sha256:}") String sha256Hex) {
        String hex = sha256Hex.strip();
        if (!hex.isEmpty() && !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("pipewright.metrics.scrape-token-sha256 must be a SHA-256 in hex "
                    + "(64 hex digits), e.g. the first field of: printf %s \"$TOKEN\" | sha256sum");
        }
        this.sha256 = hex.isEmpty() ? null : HexFormat.of().parseHex(hex);
    }

    /** Whether {@code token} is the scrape token. */
    boolean matches(String token) {
        return sha256 != null && MessageDigest.isEqual(sha256, VerifiedCredentials.sha256(token));
    }

    /** What the scrape token may do: read the metrics. */
    static boolean reaches(ServerWebExchange exchange) {
        return HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && METRICS_PATH.equals(exchange.getRequest().getPath().pathWithinApplication().value());
    }

    /** A request that presented the scrape token: no user, no organization, no operator. */
    static final class Scraper extends AbstractAuthenticationToken {

        static final Scraper INSTANCE = new Scraper();

        private Scraper() {
            super(List.of());
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public Object getPrincipal() {
            return "metrics-scraper";
        }
    }
}
