package io.pipewright.query.page;

import java.util.regex.Pattern;

/**
 * The {@code limit} query parameter of every paginated list, checked: absent means {@value #DEFAULT_LIMIT}, anything
 * but a whole number from 1 to {@value #MAX_LIMIT} is a 400 naming the field.
 */
public final class PageRequest {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1_000;
    private static final Pattern SMALL_WHOLE_NUMBER = Pattern.compile("[0-9]{1,4}");

    private PageRequest() {
    }

    public static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (SMALL_WHOLE_NUMBER.matcher(limit).matches()) {
            int parsed = Integer.parseInt(limit);
            if (parsed >= 1 && parsed <= MAX_LIMIT) {
                return parsed;
            }
        }
        throw new InvalidParameter("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
