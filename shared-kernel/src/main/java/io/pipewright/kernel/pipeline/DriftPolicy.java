package io.pipewright.kernel.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the health round does when a Running or Paused pipeline's resources differ from their desired state (altered
 * by hand on the source or the worker): {@code repair} converges them back (the default), {@code report} records the
 * difference and shows it in the status warnings, touching nothing.
 */
public enum DriftPolicy {
    REPAIR("repair"),
    REPORT("report");

    private final String wireValue;

    DriftPolicy(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    public static Optional<DriftPolicy> fromWireValue(String value) {
        return Arrays.stream(values()).filter(policy -> policy.wireValue.equals(value)).findFirst();
    }

    public static List<String> wireValues() {
        return Arrays.stream(values()).map(DriftPolicy::wireValue).toList();
    }
}
