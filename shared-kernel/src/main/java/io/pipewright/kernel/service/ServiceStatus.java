package io.pipewright.kernel.service;

/** Probed, never declared: Pending until the service answers as a usable one. */
public enum ServiceStatus {
    PENDING("Pending"),
    RUNNING("Running"),
    FAILED("Failed");

    private final String wireName;

    ServiceStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
