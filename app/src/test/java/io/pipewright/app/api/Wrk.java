package io.pipewright.app.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk} load generator, as the API benchmark drives it, for a fixed time at a number of connections,
 * its report read back into figures: GET requests on paths picked at random from a file, with an optional
 * {@code Authorization} header (the Lua script {@code bench/random-get.lua} of the test resources), or POSTs that
 * each create a pipeline of a name of its own ({@code bench/create-pipelines.lua}).
 */
final class Wrk {

    /** Load-generator threads: as many as this machine's two cores. */
    static final int THREADS = 2;

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern TIMEOUTS = Pattern.compile("timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);

    private final Path script;
    private final Path createScript;
    private final Path workDirectory;
    private final String baseUrl;
    private final int seconds;

    private Wrk(Path script, Path createScript, Path workDirectory, String baseUrl, int seconds) {
        this.script = script;
        this.createScript = createScript;
        this.workDirectory = workDirectory;
        this.baseUrl = baseUrl;
        this.seconds = seconds;
    }

    /** Fails at once, saying how to install it, when {@code wrk} is not on the path. */
    static Wrk against(String baseUrl, Path workDirectory, int seconds) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("sh", "-c", "command -v wrk").redirectErrorStream(true).start();
        if (probe.waitFor() != 0) {
            throw new IllegalStateException("wrk is not installed: apt-get install wrk (bin/pipewright bench api does)");
        }
        Files.createDirectories(workDirectory);
        return new Wrk(script(workDirectory, "random-get.lua"), script(workDirectory, "create-pipelines.lua"),
                workDirectory, baseUrl, seconds);
    }

    private static Path script(Path workDirectory, String name) throws IOException {
        Path script = workDirectory.resolve(name);
        try (InputStream lua = Wrk.class.getResourceAsStream("/bench/" + name)) {
            Files.write(script, lua.readAllBytes());
        }
        return script;
    }

    /** GETs {@code paths} (picked at random) for the configured time; {@code authorization} may be null. */
    Result run(String label, List<String> paths, String authorization, int connections)
            throws IOException, InterruptedException {
        Path pathFile = workDirectory.resolve(label + ".paths");
        Files.write(pathFile, paths);
        return run(label, script, connections, Map.of("BENCH_PATHS", pathFile.toString(),
                "BENCH_AUTHORIZATION", authorization == null ? "" : authorization));
    }

    /**
     * POSTs to {@code pipelinesPath} for the configured time, each request a pipeline from {@code sourceId} to
     * {@code sinkId} named {@code label}-thread-number; wrk counts every answer that is not 2xx or 3xx.
     */
    Result createPipelines(String label, String pipelinesPath, String sourceId, String sinkId, String authorization,
                           int connections) throws IOException, InterruptedException {
        return run(label, createScript, connections, Map.of("BENCH_PATH", pipelinesPath, "BENCH_SOURCE", sourceId,
                "BENCH_SINK", sinkId, "BENCH_NAME_PREFIX", label, "BENCH_AUTHORIZATION", authorization));
    }

    private Result run(String label, Path script, int connections, Map<String, String> variables)
            throws IOException, InterruptedException {
        ProcessBuilder command = new ProcessBuilder("wrk", "--latency", "-t", String.valueOf(Math.min(THREADS,
                connections)), "-c", String.valueOf(connections), "-d", seconds + "s", "-s", script.toString(),
                baseUrl).redirectErrorStream(true);
        command.environment().putAll(variables);
        Process wrk = command.start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + report);
        }
        Files.writeString(workDirectory.resolve(label + ".txt"), report);
        return Result.parse(report);
    }

    /** One run's figures: requests per second, the 50th and 99th percentile latency, timeouts, non-2xx answers. */
    record Result(double rate, long requests, double p50Millis, double p99Millis, long timeouts, long non2xx) {

        static Result parse(String report) {
            List<Double> percentiles = new ArrayList<>();
            Matcher percentile = PERCENTILE.matcher(report);
            while (percentile.find()) {
                percentiles.add(millis(Double.parseDouble(percentile.group(2)), percentile.group(3)));
            }
            if (percentiles.size() != 2) {
                throw new IllegalStateException("no latency distribution in wrk's report: " + report);
            }
            return new Result(Double.parseDouble(find(RATE, report, null)), Long.parseLong(find(TOTAL, report, null)),
                    percentiles.get(0), percentiles.get(1), Long.parseLong(find(TIMEOUTS, report, "0")),
                    Long.parseLong(find(NON_2XX, report, "0")));
        }

        private static String find(Pattern pattern, String report, String absent) {
            Matcher matcher = pattern.matcher(report);
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (absent == null) {
                throw new IllegalStateException("wrk's report has no " + pattern + ": " + report);
            }
            return absent;
        }

        private static double millis(double value, String unit) {
            return switch (unit) {
                case "us" -> value / 1_000;
                case "ms" -> value;
                case "s" -> value * 1_000;
                default -> value * 60_000;
            };
        }
    }
}
