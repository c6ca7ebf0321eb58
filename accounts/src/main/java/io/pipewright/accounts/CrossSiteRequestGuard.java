package io.pipewright.accounts;

import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Keeps a web page on another site from changing anything with the credentials a browser remembers for this API.
 * A page can make a browser send a state-changing request without asking the API first (no CORS preflight) only as a
 * form: with one of the three content types a form can have. The API reads JSON only, so those are refused (415);
 * and whatever a browser itself marks as cross-site ({@code Sec-Fetch-Site}) is refused (403). A request without a
 * body and without a content type, as curl sends a pause or a delete, is not a form and passes.
 */
class CrossSiteRequestGuard implements WebFilter {

    static final String FETCH_SITE = "Sec-Fetch-Site";

    private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final List<MediaType> FORM_CONTENT_TYPES = List.of(MediaType.APPLICATION_FORM_URLENCODED,
            MediaType.MULTIPART_FORM_DATA, MediaType.TEXT_PLAIN);

    private final ProblemWriter problems;

    CrossSiteRequestGuard(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        if (!STATE_CHANGING.contains(request.getMethod())) {
            return chain.filter(exchange);
        }
        if ("cross-site".equalsIgnoreCase(request.getHeaders().getFirst(FETCH_SITE))) {
            return problems.write(exchange, HttpStatus.FORBIDDEN, "Cross-site request refused",
                    "A page of another site may not change anything here (" + FETCH_SITE + ": cross-site).");
        }
        MediaType contentType = contentType(request.getHeaders().getFirst("Content-Type"));
        if (contentType != null && FORM_CONTENT_TYPES.stream().anyMatch(form -> form.equalsTypeAndSubtype(
                contentType))) {
            return problems.write(exchange, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Requests that change something take application/json, never a form's "
                            + contentType.getType() + "/" + contentType.getSubtype() + ".");
        }
        return chain.filter(exchange);
    }

    /** Null for none; an unparsable one is left to the handlers, which refuse it as not JSON. */
    private static MediaType contentType(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(header);
        } catch (IllegalArgumentException unparsable) {
            return null;
        }
    }
}
