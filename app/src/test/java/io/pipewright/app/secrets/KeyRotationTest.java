package io.pipewright.app.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipewright.app.PipewrightApplication;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.localstack.DebeziumPostgresPlugin;
import io.pipewright.localstack.PostgresServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A key rotation as an operator does it: secrets stored under one key, the control plane restarted with a new key and
 * the old one in previous-keys. Every secret ends re-encrypted under the new key (in several batches), still reads the
 * same, and the control plane reports that none needs the old key: the gauge {@code pipewright.secrets.old_key} is 0
 * and a log line says the previous keys can be removed.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeyRotationTest {

    private static final int SECRETS = 130;

    @Test
    void afterARotationEverySecretIsReencryptedUnderTheNewKeyAndTheReportSaysNoneNeedsTheOldOne(CapturedOutput log) {
        PostgresServer server = ControlPlaneDatabase.server();
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(database);
        String oldKey = randomKey();
        String newKey = randomKey();
        Map<SecretRef, String> stored = new LinkedHashMap<>();
        String oldKeyId;
        try (ConfigurableApplicationContext before = start(server, database, Map.of("pipewright.secrets.key",
                oldKey, "pipewright.secrets.reencrypt-interval", "PT1S"))) {
            SecretVault vault = before.getBean(SecretVault.class);
            for (int i = 0; i < SECRETS; i++) {
                String value = "secret-" + i + "-" + UUID.randomUUID();
                stored.put(vault.store(new Secret(value)), value);
            }
            List<String> keyIds = keyIds(before);
            assertThat(keyIds).hasSize(1);
            oldKeyId = keyIds.get(0);
        }

        try (ConfigurableApplicationContext after = start(server, database, Map.of("pipewright.secrets.key", newKey,
                "pipewright.secrets.previous-keys", oldKey, "pipewright.secrets.reencrypt-interval", "PT1S",
                "pipewright.secrets.reencrypt-batch-size", "50"))) {
            MeterRegistry meters = after.getBean(MeterRegistry.class);
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    meters.get("pipewright.secrets.old_key").gauge().value() == 0.0);

            List<String> keyIds = keyIds(after);
            assertThat(keyIds).hasSize(1).doesNotContain(oldKeyId);
            assertThat(after.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM secret", Long.class))
                    .isEqualTo(SECRETS);
            SecretVault vault = after.getBean(SecretVault.class);
            stored.forEach((ref, value) -> assertThat(vault.reveal(ref).value()).isEqualTo(value));
            assertThat(log.getAll()).contains("Re-encrypted " + SECRETS + " secret(s) under the current key "
                    + keyIds.get(0)).contains("No secret needs a previous key any more");
        }
    }

    private static List<String> keyIds(ConfigurableApplicationContext context) {
        return context.getBean(JdbcTemplate.class).queryForList("SELECT DISTINCT key_id FROM secret", String.class);
    }

    private static ConfigurableApplicationContext start(PostgresServer server, String database,
                                                        Map<String, Object> settings) {
        Map<String, Object> properties = new LinkedHashMap<>(settings);
        properties.put("server.port", 0);
        properties.put("spring.datasource.url", server.jdbcUrl(database));
        properties.put("spring.datasource.username", server.superuser());
        properties.put("spring.datasource.password", server.superuserPassword());
        properties.put("pipewright.plugins.debezium-postgres-archive", DebeziumPostgresPlugin.archive().toString());
        // As arguments: they override the tests' config/application.yml, which sets a key of its own.
        return new SpringApplicationBuilder(PipewrightApplication.class).run(properties.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
