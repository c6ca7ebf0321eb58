package io.pipewright.query.page;

import java.util.List;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One page of a list, answered as a plain JSON array (the shape the lists always had, so clients that read them keep
 * working) with the way to the next page in headers: {@code Next-Page-Token} (the opaque token to send as
 * {@code page_token}, or {@code after_sequence} for an event history) and an RFC 8288 {@code Link: <...>; rel="next"}
 * to the same request for the next page. Both are absent on the last page.
 */
public final class Page {

    public static final String NEXT_PAGE_TOKEN = "Next-Page-Token";

    private Page() {
    }

    /** The request as it came (path and query, still encoded) to derive the next page's link from. */
    public static UriComponentsBuilder requested(ServerHttpRequest request) {
        return UriComponentsBuilder.fromPath(request.getPath().value()).query(request.getURI().getRawQuery());
    }

    /**
     * {@code rows} were read with one row more than {@code limit}: that extra row only says a next page exists, whose
     * cursor {@code cursor} derives from the last row kept, and {@code parameter} carries it.
     */
    public static <T> ResponseEntity<List<T>> of(List<T> rows, int limit, UriComponentsBuilder request,
                                                 String parameter, Function<T, String> cursor) {
        if (rows.size() <= limit) {
            return ResponseEntity.ok(rows);
        }
        List<T> page = rows.subList(0, limit);
        String next = cursor.apply(page.get(limit - 1));
        String link = request.replaceQueryParam("limit", limit).replaceQueryParam(parameter, next)
                .build(true).toUriString();
        return ResponseEntity.ok()
                .header(NEXT_PAGE_TOKEN, next)
                .header("Link", "<" + link + ">; rel=\"next\"")
                .body(List.copyOf(page));
    }
}
