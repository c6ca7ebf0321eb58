package io.pipewright.kernel.dag;

/**
 * One quality check of a run: the check as written, whether it held, the number of rows that break it (a column
 * predicate), and the value a {@code row_count} check compared.
 */
public record CheckResult(String check, boolean passed, long violatingRows, Long value) {
}
