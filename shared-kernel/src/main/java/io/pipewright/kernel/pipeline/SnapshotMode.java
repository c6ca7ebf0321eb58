package io.pipewright.kernel.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Debezium PostgreSQL {@code snapshot.mode} values a pipeline may ask for. Debezium 3.7 also knows
 * {@code configuration_based} and {@code custom}; both need settings a pipeline does not expose, so they are refused.
 */
public enum SnapshotMode {
    INITIAL("initial"),
    INITIAL_ONLY("initial_only"),
    NO_DATA("no_data"),
    ALWAYS("always"),
    WHEN_NEEDED("when_needed");

    private final String debeziumValue;

    SnapshotMode(String debeziumValue) {
        this.debeziumValue = debeziumValue;
    }

    public String debeziumValue() {
        return debeziumValue;
    }

    public static Optional<SnapshotMode> fromDebeziumValue(String value) {
        return Arrays.stream(values()).filter(mode -> mode.debeziumValue.equals(value)).findFirst();
    }

    public static List<String> debeziumValues() {
        return Arrays.stream(values()).map(SnapshotMode::debeziumValue).toList();
    }
}
