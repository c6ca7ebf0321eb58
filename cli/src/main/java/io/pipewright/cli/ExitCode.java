package io.pipewright.cli;

/**
 * What a script can rely on when a command ends: one number per kind of outcome, the same for every command (listed
 * in the README and in {@code --help}).
 */
public final class ExitCode {

    /** The API did what was asked (and, with {@code --wait}, the pipeline reached the state asked for). */
    public static final int OK = 0;
    /** The API refused the request: a 4xx problem (bad input, not found, conflict, no permission). */
    public static final int REFUSED = 1;
    /** The command line itself was wrong (picocli's usage error). */
    public static final int USAGE = 2;
    /** {@code --wait} ended with the pipeline {@code Failed}. */
    public static final int PIPELINE_FAILED = 3;
    /** {@code --wait} gave up after {@code --timeout}. */
    public static final int TIMED_OUT = 4;
    /** The API could not be reached, answered 5xx, or no API URL or credentials were found. */
    public static final int UNAVAILABLE = 5;

    private ExitCode() {
    }
}
