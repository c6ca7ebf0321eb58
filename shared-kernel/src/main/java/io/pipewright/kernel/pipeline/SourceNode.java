package io.pipewright.kernel.pipeline;

/** A node of the source as the connector addresses it ({@code database.hostname}, {@code database.port}). */
public record SourceNode(String host, int port) {

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
