package io.pipewright.kernel.dag;

import java.util.List;

/**
 * One task of a DAG pipeline, as the reference writes it ({@code id}, {@code type}, {@code query}, {@code output},
 * {@code depends_on}, {@code checks}, {@code channel}, {@code message}) plus its retry policy and time bound. Already
 * validated: {@code type} is one of {@link #SQL}, {@link #QUALITY}, {@link #NOTIFICATION} and has the fields it needs.
 * {@code retries}: attempts after the first; {@code retryBackoffSeconds}: the wait before the first retry, doubled each
 * time; {@code timeoutSeconds}: the bound of one attempt.
 */
public record DagTask(String id, String type, String query, String output, List<String> dependsOn,
                      List<String> checks, String channel, String message, int retries, int retryBackoffSeconds,
                      int timeoutSeconds) {

    public static final String SQL = "sql";
    public static final String QUALITY = "quality";
    public static final String NOTIFICATION = "notification";

    public DagTask {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
