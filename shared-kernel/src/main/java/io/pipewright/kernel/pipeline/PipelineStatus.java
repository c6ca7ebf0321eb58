package io.pipewright.kernel.pipeline;

/** The lifecycle of the reference. {@code Deleted} pipelines are gone from lists; their history stays. */
public enum PipelineStatus {
    PENDING("Pending"),
    PROVISIONING("Provisioning"),
    RUNNING("Running"),
    PAUSED("Paused"),
    FAILED("Failed"),
    DELETING("Deleting"),
    DELETED("Deleted");

    private final String wireName;

    PipelineStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
