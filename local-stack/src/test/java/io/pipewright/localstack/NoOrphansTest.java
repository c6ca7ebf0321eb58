package io.pipewright.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoOrphansTest {

    @TempDir
    Path temporary;

    @Test
    void postgresqlStopsWhenItsOwningJvmIsKilled() throws Exception {
        Process owner = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                StrandedPostgresMain.class.getName(),
                temporary.resolve("data").toString())
                .redirectError(Redirect.appendTo(temporary.resolve("owner.log").toFile()))
                .start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            CompletableFuture<List<String>> report = CompletableFuture.supplyAsync(() -> readReport(output));
            List<String> lines = report.get(120, TimeUnit.SECONDS);
            long postmaster = Long.parseLong(lines.get(0).substring("postmaster ".length()));
            List<Long> children = Arrays.stream(lines.get(1).substring("children ".length()).split(" "))
                    .map(Long::parseLong)
                    .toList();
            assertThat(children).as("the postmaster and the reaper").contains(postmaster).hasSize(2);
            assertThat(ProcessHandle.of(postmaster)).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());

            owner.destroyForcibly();
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(NoOrphansTest::isAlive));
        } finally {
            owner.destroyForcibly();
        }
    }

    private static List<String> readReport(BufferedReader output) {
        try {
            return List.of(output.readLine(), output.readLine());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
