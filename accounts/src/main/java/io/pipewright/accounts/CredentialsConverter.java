package io.pipewright.accounts;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Reads HTTP Basic or Bearer credentials from the Authorization header; none there, the request is anonymous. */
final class CredentialsConverter implements ServerAuthenticationConverter {

    private static final String BASIC = "basic ";
    private static final String BEARER = "bearer ";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return Mono.empty();
        }
        String scheme = authorization.length() > BEARER.length() ? authorization.substring(0, BEARER.length())
                .toLowerCase() : "";
        if (scheme.equals(BEARER)) {
            return Mono.just(PresentedCredentials.bearer(authorization.substring(BEARER.length()).trim(),
                    clientAddress(exchange)));
        }
        if (scheme.startsWith(BASIC)) {
            return basic(authorization.substring(BASIC.length()).trim(), clientAddress(exchange));
        }
        return Mono.empty();
    }

    private static Mono<Authentication> basic(String encoded, String clientAddress) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Mono.error(new BadCredentialsException("The Basic credentials are not Base64."));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Mono.error(new BadCredentialsException("The Basic credentials have no colon."));
        }
        return Mono.just(PresentedCredentials.basic(decoded.substring(0, colon), decoded.substring(colon + 1),
                clientAddress));
    }

    private static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
