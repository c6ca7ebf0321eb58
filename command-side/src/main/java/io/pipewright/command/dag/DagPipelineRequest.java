package io.pipewright.command.dag;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.scheduling.support.CronExpression;

/**
 * The body of {@code POST /api/v1/pipelines} and {@code PUT /api/v1/pipelines/{id}}: the reference's DAG definition
 * ({@code name}, {@code schedule}, {@code tasks}) plus where it runs and its limits. {@link #toDefinition()} checks
 * every rule and reports all broken ones at once, each under the JSON path of its field
 * ({@code tasks[2].depends_on[0]}); the SQL rules are {@link DagSql}'s.
 */
record DagPipelineRequest(String organizationId, String name, String schedule, List<Task> tasks,
                          String postgresServiceId, String database, String kafkaServiceId, Integer maxActiveRuns,
                          Integer slaMinutes, OnFailure onFailure) {

    static final int MAX_TASKS = 200;
    static final int MAX_QUERY_BYTES = 64 * 1024;
    static final int MAX_MESSAGE_BYTES = 4 * 1024;
    static final int MAX_CHECKS = 50;
    static final int MAX_CHECK_LENGTH = 4 * 1024;
    static final int MAX_CHANNEL_LENGTH = 128;
    static final int DEFAULT_RETRIES = 2;
    static final int DEFAULT_RETRY_BACKOFF_SECONDS = 30;
    static final int DEFAULT_TIMEOUT_SECONDS = 3600;
    static final int DEFAULT_MAX_ACTIVE_RUNS = 1;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern TASK_ID = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.#@-]{1," + MAX_CHANNEL_LENGTH + "}");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");
    private static final List<String> TYPES = List.of(DagTask.SQL, DagTask.QUALITY, DagTask.NOTIFICATION);

    /** One task as the reference writes it, plus its retry policy and time bound (defaults when absent). */
    record Task(String id, String type, String query, String output, List<String> dependsOn, List<String> checks,
                String channel, String message, Integer retries, Integer retryBackoffSeconds,
                Integer timeoutSeconds) {
    }

    /** The notification sent when a run fails. */
    record OnFailure(String channel, String message) {
    }

    /** The organization the body names, or {@code callerDefault} when it names none; valid after validation. */
    UUID organizationOr(UUID callerDefault) {
        return organizationId == null ? callerDefault : UUID.fromString(organizationId);
    }

    /** The definition this body asks for, or {@link io.pipewright.command.web.InvalidRequest} naming every fault. */
    DagDefinition toDefinition() {
        Violations violations = new Violations();
        if (organizationId != null) {
            violations.matches("organization_id", organizationId, UUID_TEXT, "must be a UUID");
        }
        if (violations.required("name", name)) {
            violations.matches("name", name, NAME, "must be 1 to 64 lowercase letters, digits or underscores");
        }
        if (schedule != null) {
            cronProblem(schedule).ifPresent(problem -> violations.check("schedule", false, problem));
        }
        if (violations.required("postgres_service_id", postgresServiceId)) {
            violations.matches("postgres_service_id", postgresServiceId, UUID_TEXT, "must be a UUID");
        }
        if (violations.required("database", database)) {
            violations.matches("database", database, DATABASE, "must be a PostgreSQL identifier: a letter or "
                    + "underscore, then letters, digits, underscores or $, at most 63 characters");
        }
        if (kafkaServiceId != null) {
            violations.matches("kafka_service_id", kafkaServiceId, UUID_TEXT, "must be a UUID");
        }
        int activeRuns = within(violations, "max_active_runs", maxActiveRuns, DEFAULT_MAX_ACTIVE_RUNS, 1, 32);
        if (slaMinutes != null) {
            within(violations, "sla_minutes", slaMinutes, 0, 1, 10080);
        }
        if (onFailure != null) {
            checkNotification(violations, "on_failure", onFailure.channel(), onFailure.message());
            violations.check("kafka_service_id", kafkaServiceId != null,
                    "is required when on_failure sends a notification");
        }
        List<DagTask> definedTasks = checkTasks(violations);
        violations.throwIfAny();
        return new DagDefinition(name, schedule, definedTasks, UUID.fromString(postgresServiceId), database,
                kafkaServiceId == null ? null : UUID.fromString(kafkaServiceId), activeRuns, slaMinutes,
                onFailure == null ? null : new DagDefinition.FailureNotification(onFailure.channel(),
                        onFailure.message()));
    }

    /** Why {@code cron} is not a five-field cron expression, or empty when it is. */
    static Optional<String> cronProblem(String cron) {
        String[] fields = cron.strip().split("\\s+");
        if (fields.length != 5) {
            return Optional.of("must be a five-field cron expression (minute hour day-of-month month day-of-week), "
                    + "or null for runs on request only");
        }
        try {
            CronExpression.parse("0 " + cron.strip());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid cron expression: " + e.getMessage());
        }
    }

    private List<DagTask> checkTasks(Violations violations) {
        if (!violations.required("tasks", tasks)
                || !violations.check("tasks", !tasks.isEmpty(), "must list at least one task")
                || !violations.check("tasks", tasks.size() <= MAX_TASKS, "may list at most " + MAX_TASKS + " tasks")) {
            return List.of();
        }
        Map<String, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            String field = "tasks[" + i + "]";
            if (!violations.required(field, task) || !violations.required(field + ".id", task.id())) {
                continue;
            }
            if (violations.matches(field + ".id", task.id(), TASK_ID,
                    "must be 1 to 64 lowercase letters, digits or underscores")) {
                Integer earlier = indexOf.putIfAbsent(task.id(), i);
                if (earlier != null) {
                    violations.check(field + ".id", false, "repeats the id of tasks[" + earlier + "]");
                }
            }
        }
        List<DagTask> defined = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            if (task != null) {
                defined.add(checkTask(violations, i, task, indexOf));
            }
        }
        cycle(indexOf).ifPresent(cycle -> violations.check("tasks[" + indexOf.get(cycle.get(0)) + "].depends_on",
                false, "forms a cycle: " + String.join(" -> ", cycle)));
        return defined;
    }

    private DagTask checkTask(Violations violations, int index, Task task, Map<String, Integer> indexOf) {
        String field = "tasks[" + index + "]";
        List<String> dependsOn = task.dependsOn() == null ? List.of() : task.dependsOn();
        Set<String> seen = new HashSet<>();
        for (int d = 0; d < dependsOn.size(); d++) {
            String dependency = dependsOn.get(d);
            String dependencyField = field + ".depends_on[" + d + "]";
            if (violations.required(dependencyField, dependency)
                    && violations.check(dependencyField, indexOf.containsKey(dependency),
                    "names no task of this pipeline: " + dependency)
                    && violations.check(dependencyField, !dependency.equals(task.id()), "names the task itself")) {
                violations.check(dependencyField, seen.add(dependency), "repeats " + dependency);
            }
        }
        if (violations.required(field + ".type", task.type())
                && violations.check(field + ".type", TYPES.contains(task.type()),
                "must be one of " + String.join(", ", TYPES))) {
            switch (task.type()) {
                case DagTask.SQL -> checkSqlTask(violations, field, task);
                case DagTask.QUALITY -> checkQualityTask(violations, field, task, dependsOn);
                default -> checkNotificationTask(violations, field, task);
            }
        }
        int retries = within(violations, field + ".retries", task.retries(), DEFAULT_RETRIES, 0, 10);
        int backoff = within(violations, field + ".retry_backoff_seconds", task.retryBackoffSeconds(),
                DEFAULT_RETRY_BACKOFF_SECONDS, 1, 3600);
        int timeout = within(violations, field + ".timeout_seconds", task.timeoutSeconds(), DEFAULT_TIMEOUT_SECONDS,
                1, 86400);
        return new DagTask(task.id(), task.type(), task.query(), task.output(), dependsOn, task.checks(),
                task.channel(), task.message(), retries, backoff, timeout);
    }

    private static void checkSqlTask(Violations violations, String field, Task task) {
        if (violations.required(field + ".query", task.query())
                && violations.check(field + ".query", bytes(task.query()) <= MAX_QUERY_BYTES,
                "must be at most " + MAX_QUERY_BYTES + " bytes")
                && checkPlaceholders(violations, field + ".query", task.query())) {
            DagSql.queryProblem(task.query()).ifPresent(problem -> violations.check(field + ".query", false, problem));
        }
        if (violations.required(field + ".output", task.output())) {
            outputProblem(task.output()).ifPresent(problem -> violations.check(field + ".output", false, problem));
        }
        absent(violations, field, "checks", task.checks() == null || task.checks().isEmpty());
        absent(violations, field, "channel", task.channel() == null);
        absent(violations, field, "message", task.message() == null);
    }

    /**
     * A quality task checks the output of a task it depends on: exactly one of its dependencies writes an output (the
     * others, if any, are ordering only), so which table the checks run on is never ambiguous.
     */
    private void checkQualityTask(Violations violations, String field, Task task, List<String> dependsOn) {
        List<String> checks = task.checks();
        if (violations.required(field + ".checks", checks)
                && violations.check(field + ".checks", !checks.isEmpty(), "must list at least one check")
                && violations.check(field + ".checks", checks.size() <= MAX_CHECKS,
                "may list at most " + MAX_CHECKS + " checks")) {
            for (int c = 0; c < checks.size(); c++) {
                String checkField = field + ".checks[" + c + "]";
                String check = checks.get(c);
                if (violations.required(checkField, check) && violations.check(checkField,
                        check.length() <= MAX_CHECK_LENGTH, "must be at most " + MAX_CHECK_LENGTH + " characters")) {
                    DagSql.checkProblem(check).ifPresent(problem -> violations.check(checkField, false, problem));
                }
            }
        }
        long outputs = dependsOn.stream().distinct().map(this::taskById)
                .filter(dependency -> dependency.isPresent() && dependency.get().output() != null).count();
        violations.check(field + ".depends_on", outputs == 1,
                "must name exactly one task with an output: the output the checks run on");
        absent(violations, field, "query", task.query() == null);
        absent(violations, field, "output", task.output() == null);
        absent(violations, field, "channel", task.channel() == null);
        absent(violations, field, "message", task.message() == null);
    }

    private void checkNotificationTask(Violations violations, String field, Task task) {
        checkNotification(violations, field, task.channel(), task.message());
        violations.check("kafka_service_id", kafkaServiceId != null,
                "is required when a task sends a notification (" + field + ")");
        absent(violations, field, "query", task.query() == null);
        absent(violations, field, "output", task.output() == null);
        absent(violations, field, "checks", task.checks() == null || task.checks().isEmpty());
    }

    private static void checkNotification(Violations violations, String field, String channel, String message) {
        if (violations.required(field + ".channel", channel)) {
            violations.matches(field + ".channel", channel, CHANNEL, "must be 1 to " + MAX_CHANNEL_LENGTH
                    + " letters, digits or . _ - # @");
        }
        if (violations.required(field + ".message", message)
                && violations.check(field + ".message", bytes(message) <= MAX_MESSAGE_BYTES,
                "must be at most " + MAX_MESSAGE_BYTES + " bytes")) {
            checkPlaceholders(violations, field + ".message", message);
        }
    }

    private static boolean checkPlaceholders(Violations violations, String field, String text) {
        List<String> unknown = DagSql.unknownPlaceholders(text);
        return violations.check(field, unknown.isEmpty(), "uses unknown placeholder(s) " + String.join(", ", unknown)
                + "; only ${execution_date}, ${run_id} and ${pipeline_name} are replaced");
    }

    /** Why {@code output} is not a table a task may write ({@code schema.table}), or empty. */
    static Optional<String> outputProblem(String output) {
        String[] parts = output.split("\\.", -1);
        if (parts.length != 2 || !IDENTIFIER.matcher(parts[0]).matches()
                || !IDENTIFIER.matcher(parts[1]).matches()) {
            return Optional.of("must be schema.table, each part a lowercase identifier ([a-z_][a-z0-9_]*, at most "
                    + "63 characters)");
        }
        if (SYSTEM_SCHEMAS.contains(parts[0]) || parts[0].startsWith("pg_")) {
            return Optional.of("must not be in a system schema (pg_catalog, information_schema or pg_*)");
        }
        return Optional.empty();
    }

    private static void absent(Violations violations, String field, String name, boolean absent) {
        violations.check(field + "." + name, absent, "is not a field of this task type");
    }

    private static int within(Violations violations, String field, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        violations.check(field, value >= min && value <= max, "must be between " + min + " and " + max);
        return value;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private Optional<Task> taskById(String id) {
        return tasks.stream().filter(Objects::nonNull).filter(task -> id != null && id.equals(task.id()))
                .findFirst();
    }

    /**
     * One cycle of the dependency graph as the path that closes it ({@code a -> b -> a}), or empty. Only
     * dependencies that name another task are followed (the others, and a task naming itself, are reported on their
     * own).
     */
    private Optional<List<String>> cycle(Map<String, Integer> indexOf) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (Task task : tasks) {
            if (task != null && task.id() != null && indexOf.containsKey(task.id()) && task.dependsOn() != null) {
                edges.putIfAbsent(task.id(), task.dependsOn().stream()
                        .filter(dependency -> indexOf.containsKey(dependency) && !dependency.equals(task.id())).toList());
            }
        }
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet()) {
            Optional<List<String>> found = cycleFrom(start, edges, done);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Depth-first, without recursion (200 tasks in a chain must not exhaust the stack). */
    private static Optional<List<String>> cycleFrom(String start, Map<String, List<String>> edges, Set<String> done) {
        if (done.contains(start)) {
            return Optional.empty();
        }
        Deque<String> path = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        Set<String> onPath = new HashSet<>();
        path.push(start);
        next.push(0);
        onPath.add(start);
        while (!path.isEmpty()) {
            String current = path.peek();
            int edge = next.pop();
            List<String> targets = edges.getOrDefault(current, List.of());
            if (edge >= targets.size()) {
                path.pop();
                onPath.remove(current);
                done.add(current);
                continue;
            }
            next.push(edge + 1);
            String target = targets.get(edge);
            if (onPath.contains(target)) {
                List<String> cycle = new ArrayList<>();
                List<String> ordered = new ArrayList<>(path);
                for (int i = ordered.indexOf(target); i >= 0; i--) {
                    cycle.add(ordered.get(i));
                }
                cycle.add(target);
                return Optional.of(cycle);
            }
            if (!done.contains(target)) {
                path.push(target);
                next.push(0);
                onPath.add(target);
            }
        }
        return Optional.empty();
    }
}
