package io.pipewright.app.operation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka Connect workers holding thousands of RUNNING connectors, for the health benchmark only (one real worker cannot
 * hold 10,000 Debezium tasks on this machine). Each answers {@code GET /} and, as Connect documents it,
 * {@code GET /connectors?expand=status&expand=info}: a map from connector name to its status and info.
 */
final class StandInConnectWorkers implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger listings = new AtomicInteger();

    /** Worker {@code i} at {@code url(i)} holds the connectors named in {@code connectorsByWorker.get(i)}. */
    StandInConnectWorkers(List<List<String>> connectorsByWorker, String sourceHost, int sourcePort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int worker = 0; worker < connectorsByWorker.size(); worker++) {
            byte[] listing = listing(connectorsByWorker.get(worker), sourceHost, sourcePort);
            server.createContext("/w" + worker + "/", exchange -> answer(exchange, listing));
        }
        server.start();
    }

    String url(int worker) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/w" + worker;
    }

    int listings() {
        return listings.get();
    }

    private void answer(HttpExchange exchange, byte[] listing) throws IOException {
        boolean isListing = exchange.getRequestURI().getPath().endsWith("/connectors");
        if (isListing) {
            listings.incrementAndGet();
        }
        byte[] body = isListing ? listing : "{\"version\":\"stand-in\"}".getBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static byte[] listing(List<String> connectors, String sourceHost, int sourcePort) {
        ObjectNode all = JSON.createObjectNode();
        for (String name : connectors) {
            ObjectNode expanded = all.putObject(name);
            ObjectNode status = expanded.putObject("status");
            status.put("name", name);
            status.putObject("connector").put("state", "RUNNING").put("worker_id", "127.0.0.1:8083");
            ArrayNode tasks = status.putArray("tasks");
            tasks.addObject().put("id", 0).put("state", "RUNNING").put("worker_id", "127.0.0.1:8083");
            status.put("type", "source");
            ObjectNode info = expanded.putObject("info");
            info.put("name", name);
            ObjectNode config = info.putObject("config");
            config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            config.put("name", name);
            config.put("tasks.max", "1");
            config.put("database.hostname", sourceHost);
            config.put("database.port", String.valueOf(sourcePort));
            config.put("database.user", "pipewright_" + name.replace('-', '_'));
            config.put("database.dbname", "defaultdb");
            config.put("slot.name", "pipewright_" + name.replace('-', '_'));
            config.put("topic.prefix", name);
            info.putArray("tasks").addObject().put("connector", name).put("task", 0);
            info.put("type", "source");
        }
        try {
            return JSON.writeValueAsBytes(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
