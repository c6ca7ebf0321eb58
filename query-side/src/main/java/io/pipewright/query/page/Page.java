package io.pipewright.query.page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * One page of a list, answered as a plain JSON array (the shape the lists always had, so clients that read them keep
 * working) with the way to the next page in headers: {@code Next-Page-Token} (the opaque token to send as
 * {@code page_token}, or the {@code after_sequence} of an event history) and an RFC 8288
 * {@code Link: <...>; rel="next"} to the same request for the next page. Both are absent on the last page.
 */
public final class Page {

    public static final String NEXT_PAGE_TOKEN = "Next-Page-Token";

    private Page() {
    }

    /**
     * {@code rows} were read with one row more than {@code limit}: that extra row only says a next page exists, whose
     * cursor {@code cursor} derives from the last row kept, and {@code parameter} carries it.
     */
    public static <T> ResponseEntity<List<T>> of(List<T> rows, int limit, ServerHttpRequest request,
                                                 String parameter, Function<T, String> cursor) {
        if (rows.size() <= limit) {
            return ResponseEntity.ok(rows);
        }
        List<T> page = rows.subList(0, limit);
        return ResponseEntity.ok().headers(next(request, limit, parameter, cursor.apply(page.get(limit - 1))))
                .body(List.copyOf(page));
    }

    /**
     * The headers of a page of {@code limit} rows that a next page follows, whose cursor is {@code next}: carried by
     * {@code parameter} in the link to it.
     */
    public static HttpHeaders next(ServerHttpRequest request, int limit, String parameter, String next) {
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>(request.getQueryParams());
        query.remove("limit");
        query.remove(parameter);
        query.add("limit", Integer.toString(limit));
        query.add(parameter, next);
        String link = request.getPath().value() + "?" + query.entrySet().stream()
                .flatMap(values -> values.getValue().stream().map(value -> value == null
                        ? encoded(values.getKey()) : encoded(values.getKey()) + "=" + encoded(value)))
                .collect(Collectors.joining("&"));
        HttpHeaders headers = new HttpHeaders();
        headers.add(NEXT_PAGE_TOKEN, next);
        headers.add("Link", "<" + link + ">; rel=\"next\"");
        return headers;
    }

    private static String encoded(String queryText) {
        return URLEncoder.encode(queryText, StandardCharsets.UTF_8);
    }
}
