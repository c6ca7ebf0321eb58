package io.pipewright.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.PipewrightClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates many pipelines through the REST API from concurrent clients, each sending its next create as soon as the
 * previous one was answered, and keeps each create's latency: the benchmark's load phase and its creates figure.
 */
final class PipelineLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineLoad() {
    }

    /** What the load created and how long it took. */
    record Created(List<String> pipelineIds, long elapsedNanos, long[] latencyNanos) {

        double perSecond() {
            return pipelineIds.size() / (elapsedNanos / 1e9);
        }

        double percentileMillis(double percentile) {
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
            return sorted[Math.max(index, 0)] / 1e6;
        }
    }

    /** {@code count} pipelines from {@code source} to {@code sink}, by {@code clients} clients at once. */
    static Created create(String baseUrl, String authorization, String sourceId, String sinkId, int count,
                          int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        List<String> ids = Collections.synchronizedList(new ArrayList<>(count));
        long[] latencies = new long[count];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        byte[] body = JSON.writeValueAsBytes(Map.of("name", "bench-" + i,
                                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", sourceId,
                                "sink_service_id", sinkId,
                                "config", Map.of("tables", List.of("orders"), "topic_prefix", "bench" + i)));
                        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PipewrightClient.PIPELINES))
                                .header("Authorization", authorization).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                        long sent = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        latencies[i] = System.nanoTime() - sent;
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("create " + i + " answered " + response.statusCode()
                                    + ": " + new String(response.body()));
                        }
                        ids.add(JSON.readTree(response.body()).get("id").asText());
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Created(List.copyOf(ids), System.nanoTime() - started, latencies);
    }
}
