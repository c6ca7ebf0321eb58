package io.pipewright.app.secrets;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Finishes a key rotation: a recurring db-scheduler task (durable, one control-plane node at a time) re-encrypts, in
 * batches, every secret still under one of {@code pipewright.secrets.previous-keys} with
 * {@code pipewright.secrets.key}, then reports how many secrets still need another key: the gauge {@code pipewright.secrets.old_key}, and a log line
 * once none does, saying the previous keys can be removed from the configuration.
 */
@Configuration
class SecretReencryption {

    static final String TASK = "secret-reencryption";
    private static final Logger LOG = LoggerFactory.getLogger(SecretReencryption.class);

    private final AesGcmSecretVault vault;
    private final SecretKeys keys;
    private final int batchSize;
    private final AtomicLong underOldKeys = new AtomicLong();
    private boolean reportedDone;

    SecretReencryption(AesGcmSecretVault vault, SecretKeys keys, MeterRegistry meters,
                       @Value("${pipewright.secrets.reencrypt-batch-size:100}") int batchSize) {
        if (batchSize < 1) {
            throw new IllegalStateException("pipewright.secrets.reencrypt-batch-size must be at least 1");
        }
        this.vault = vault;
        this.keys = keys;
        this.batchSize = batchSize;
        Gauge.builder("pipewright.secrets.old_key", underOldKeys, AtomicLong::get)
                .description("Secrets encrypted under a key other than pipewright.secrets.key, as of the last "
                        + "re-encryption round; 0 once the previous keys can be removed")
                .register(meters);
        underOldKeys.set(vault.countUnderOtherKeys());
    }

    @Bean
    RecurringTask<Void> secretReencryptionTask(
            @Value("${pipewright.secrets.reencrypt-interval:PT1M}") Duration interval) {
        return Tasks.recurring(TASK, FixedDelay.of(interval)).execute((instance, context) -> reencrypt());
    }

    /** One round: batches until none is left under a previous key, then the report. */
    synchronized void reencrypt() {
        long reencrypted = 0;
        int batch;
        do {
            batch = vault.reencryptUnderCurrentKey(batchSize);
            reencrypted += batch;
        } while (batch == batchSize);
        long left = vault.countUnderOtherKeys();
        underOldKeys.set(left);
        if (reencrypted > 0) {
            LOG.info("Re-encrypted {} secret(s) under the current key {}", reencrypted, keys.current().id());
        }
        if (left > 0) {
            LOG.warn("{} secret(s) are encrypted under a key that is neither pipewright.secrets.key nor one of "
                    + "pipewright.secrets.previous-keys: they cannot be read or re-encrypted", left);
            reportedDone = false;
        } else if (!reportedDone && !keys.previousIds().isEmpty()) {
            LOG.info("No secret needs a previous key any more: every one is encrypted under the current key {}; "
                    + "pipewright.secrets.previous-keys can be removed", keys.current().id());
            reportedDone = true;
        }
    }
}
