package io.pipewright.kernel.service;

public record PostgresNode(String host, int port, NodeRole role) {
}
