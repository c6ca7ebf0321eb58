package io.pipewright.command.web;

import java.util.List;

/** A request that breaks one or more rules; answered with 400 and changes nothing. */
public class InvalidRequest extends RuntimeException {

    private final List<FieldViolation> violations;

    public InvalidRequest(List<FieldViolation> violations) {
        super(violations.get(0).field() + ": " + violations.get(0).rule(), null, false, false);
        this.violations = List.copyOf(violations);
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
