package io.pipewright.kernel.pipeline;

/** A Kafka Connect task of the pipeline's connector, as Connect reports it ({@code RUNNING}, {@code FAILED}, ...). */
public record TaskState(int id, String state) {
}
