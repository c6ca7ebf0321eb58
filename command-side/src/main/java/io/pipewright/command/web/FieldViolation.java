package io.pipewright.command.web;

/** One broken rule of a request: the JSON field (dotted path, snake_case) and the rule in words. */
public record FieldViolation(String field, String rule) {
}
