package io.pipewright.kernel.query;

public record TaskStateView(int id, String state) {
}
