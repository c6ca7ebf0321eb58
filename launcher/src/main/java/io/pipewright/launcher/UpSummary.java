package io.pipewright.launcher;

import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What {@code bin/pipewright up} prints once everything answers. */
final class UpSummary {

    private UpSummary() {
    }

    static String render(String apiUrl, BootstrapIdentity identity, LocalStack stack, Map<String, Duration> timings,
                         Path upFile) {
        PostgresServer source = stack.source();
        StringBuilder out = new StringBuilder()
                .append("\nPipewright is up.\n\n")
                .append("  API              ").append(apiUrl).append('\n')
                .append("  admin            ").append(identity.username()).append(" / ").append(identity.password())
                .append('\n')
                .append("  organization id  ").append(identity.organizationId()).append('\n')
                .append("  source           psql 'postgresql://").append(source.superuser()).append('@')
                .append(source.host()).append(':').append(source.port()).append('/').append(UpFile.SOURCE_DATABASE)
                .append("?sslmode=").append(EmbeddedServices.SOURCE_SSL_MODE).append("&sslrootcert=")
                .append(source.caCertificateFile()).append("'  (password in ").append(upFile).append(")\n")
                .append("  kafka            ").append(stack.kafka().bootstrapServers()).append('\n')
                .append("  kafka (SASL)     ").append(stack.kafka().saslBootstrapServers()).append("  ")
                .append(UpFile.SASL_MECHANISM).append(' ').append(KafkaBroker.SASL_USERNAME).append("  (password in ")
                .append(upFile).append(")\n")
                .append("  kafka connect    ").append(stack.connect().restUrl()).append('\n')
                .append("\nStarted in:\n");
        Duration total = Duration.ZERO;
        for (Map.Entry<String, Duration> part : timings.entrySet()) {
            out.append(String.format("  %-26s %6.1f s%n", part.getKey(), part.getValue().toMillis() / 1000.0));
            total = total.plus(part.getValue());
        }
        out.append(String.format("  %-26s %6.1f s%n", "total", total.toMillis() / 1000.0))
                .append("\nConnection details for scripts: ").append(upFile)
                .append("\nCtrl-C stops everything.\n");
        return out.toString();
    }
}
