package io.pipewright.kernel.pipeline;

/**
 * Why a pipeline is paused or resumed: a user asked Pipewright ({@code requested}), or its connector was paused or
 * resumed on the Kafka Connect worker directly ({@code connector}).
 */
public enum PauseCause {
    REQUESTED("requested"),
    CONNECTOR("connector");

    private final String wireName;

    PauseCause(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
