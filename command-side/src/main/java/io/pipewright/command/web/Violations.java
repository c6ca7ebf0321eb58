package io.pipewright.command.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every broken rule of a request before refusing it, so one answer tells the user all they must fix. */
public final class Violations {

    private final List<FieldViolation> found = new ArrayList<>();

    public boolean required(String field, Object value) {
        if (value == null || value instanceof String text && text.isBlank()) {
            found.add(new FieldViolation(field, "is required"));
            return false;
        }
        return true;
    }

    public boolean matches(String field, String value, Pattern pattern, String rule) {
        if (value != null && !pattern.matcher(value).matches()) {
            found.add(new FieldViolation(field, rule));
            return false;
        }
        return true;
    }

    public boolean check(String field, boolean condition, String rule) {
        if (!condition) {
            found.add(new FieldViolation(field, rule));
        }
        return condition;
    }

    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidRequest(found);
        }
    }
}
