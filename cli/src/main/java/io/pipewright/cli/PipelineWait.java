package io.pipewright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code --wait}: follows a pipeline until it reaches the status asked for, printing each event of its trail as it is
 * recorded (a step starting, a step's resource made: {@code PeeringEnsured}, {@code PluginInstalled}, ...), and ends
 * with the exit code a script needs: {@link ExitCode#PIPELINE_FAILED} with the pipeline's {@code error_message} when it
 * fails, {@link ExitCode#TIMED_OUT} when it takes longer than the timeout. The API has no push channel for clients,
 * so it asks once a second.
 */
final class PipelineWait {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final ApiClient client;
    private final Output output;
    private final String pipelinePath;
    private long lastSequence = -1;

    PipelineWait(ApiClient client, Output output, String pipelinesPath, String id) {
        this.client = client;
        this.output = output;
        this.pipelinePath = pipelinesPath + "/" + Ids.checked(id);
    }

    int until(String expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            printNewEvents();
            JsonNode pipeline = client.get(pipelinePath, Map.of());
            String status = pipeline.path("status").asText();
            if (expected.equals(status)) {
                printNewEvents();
                finish(pipeline, status);
                return ExitCode.OK;
            }
            if ("Failed".equals(status)) {
                printNewEvents();
                finish(pipeline, status);
                System.err.println("error: pipeline Failed: " + pipeline.path("error_message").asText());
                return ExitCode.PIPELINE_FAILED;
            }
            if (Instant.now().isAfter(deadline)) {
                System.err.println("error: still " + status + " after " + timeout + " (waiting for " + expected + ")");
                return ExitCode.TIMED_OUT;
            }
            sleep();
        }
    }

    int untilGone(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            printNewEvents();
            ApiClient.Answer answer = client.exchange("GET", pipelinePath, null);
            if (answer.status() == 404) {
                output.note("Deleted: everything the pipeline created is removed.");
                return ExitCode.OK;
            }
            if (answer.status() >= 300) {
                throw new CliFailure(answer.status() >= 500 ? ExitCode.UNAVAILABLE : ExitCode.REFUSED,
                        ApiClient.describeProblem(answer));
            }
            if (Instant.now().isAfter(deadline)) {
                System.err.println("error: still " + answer.body().path("status").asText() + " after " + timeout);
                return ExitCode.TIMED_OUT;
            }
            sleep();
        }
    }

    private void printNewEvents() {
        JsonNode events = client.get(pipelinePath + "/events",
                Map.of("after_sequence", Long.toString(lastSequence), "limit", "1000"));
        for (JsonNode event : events) {
            lastSequence = event.path("sequence").asLong();
            String step = event.path("payload").path("step").asText("");
            output.note("  " + event.path("timestamp").asText() + "  " + event.path("type").asText()
                    + (step.isEmpty() ? "" : " " + step.toLowerCase()));
        }
    }

    private void finish(JsonNode pipeline, String status) {
        if (output.isJson()) {
            output.json(pipeline);
        } else {
            output.note(status);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCode.UNAVAILABLE, "interrupted");
        }
    }
}
