package io.pipewright.app.secrets;

import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Secrets encrypted with AES-256-GCM under the configured key, in the control plane's database. The secret's id is
 * bound as associated data, so a ciphertext copied onto another row does not decrypt. After a key rotation the
 * secrets still under a previous key are re-encrypted in batches ({@link SecretReencryption}).
 */
@Component
class AesGcmSecretVault implements SecretVault {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final JdbcTemplate jdbc;
    private final SecretKeys keys;
    private final TransactionTemplate transactions;
    private final SecureRandom random = new SecureRandom();

    AesGcmSecretVault(JdbcTemplate jdbc, SecretKeys keys, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @Override
    public SecretRef store(Secret secret) {
        SecretRef ref = new SecretRef(UUID.randomUUID());
        insert(ref, secret);
        return ref;
    }

    @Override
    public Secret reveal(SecretRef ref) {
        return find(ref).orElseThrow(() -> new IllegalStateException("secret " + ref.id() + " does not exist"));
    }

    @Override
    public Optional<Secret> find(SecretRef ref) {
        return jdbc.query("SELECT key_id, nonce, ciphertext FROM secret WHERE secret_id = ?", rows -> {
            if (!rows.next()) {
                return Optional.empty();
            }
            SecretKeys.Key key = keys.byId(rows.getString("key_id"));
            byte[] plain = crypt(Cipher.DECRYPT_MODE, key, ref, rows.getBytes("nonce"), rows.getBytes("ciphertext"));
            return Optional.of(new Secret(new String(plain, StandardCharsets.UTF_8)));
        }, ref.id());
    }

    @Override
    public Secret keepFirst(SecretRef ref, Secret candidate) {
        insert(ref, candidate);
        return reveal(ref);
    }

    @Override
    public void forget(SecretRef ref) {
        jdbc.update("DELETE FROM secret WHERE secret_id = ?", ref.id());
    }

    /**
     * Re-encrypts up to {@code batchSize} secrets that are under one of the previous keys with the current key, in one
     * transaction; rows another node is re-encrypting now are skipped. Returns how many it re-encrypted.
     */
    int reencryptUnderCurrentKey(int batchSize) {
        List<String> previous = keys.previousIds();
        if (previous.isEmpty()) {
            return 0;
        }
        return transactions.execute(status -> {
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT secret_id, key_id, nonce, ciphertext FROM secret WHERE key_id = ANY (?)
                    ORDER BY secret_id LIMIT ? FOR UPDATE SKIP LOCKED""", previous.toArray(String[]::new), batchSize);
            for (Map<String, Object> row : rows) {
                SecretRef ref = new SecretRef((UUID) row.get("secret_id"));
                byte[] plain = crypt(Cipher.DECRYPT_MODE, keys.byId((String) row.get("key_id")), ref,
                        (byte[]) row.get("nonce"), (byte[]) row.get("ciphertext"));
                byte[] nonce = newNonce();
                byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, keys.current(), ref, nonce, plain);
                Arrays.fill(plain, (byte) 0);
                jdbc.update("UPDATE secret SET key_id = ?, nonce = ?, ciphertext = ? WHERE secret_id = ?",
                        keys.current().id(), nonce, ciphertext, ref.id());
            }
            return rows.size();
        });
    }

    /** How many secrets are encrypted under a key other than the current one. */
    long countUnderOtherKeys() {
        return jdbc.queryForObject("SELECT count(*) FROM secret WHERE key_id <> ?", Long.class, keys.current().id());
    }

    /** Keeps an existing secret of the same id: the first one stored wins. */
    private void insert(SecretRef ref, Secret secret) {
        byte[] nonce = newNonce();
        byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, keys.current(), ref, nonce,
                secret.value().getBytes(StandardCharsets.UTF_8));
        jdbc.update("""
                INSERT INTO secret (secret_id, key_id, nonce, ciphertext) VALUES (?, ?, ?, ?)
                ON CONFLICT (secret_id) DO NOTHING""", ref.id(), keys.current().id(), nonce, ciphertext);
    }

    private byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    private static byte[] crypt(int mode, SecretKeys.Key key, SecretRef ref, byte[] nonce, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ref.id().toString().getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot " + (mode == Cipher.ENCRYPT_MODE ? "encrypt" : "decrypt")
                    + " secret " + ref.id() + " with key " + key.id(), e);
        }
    }
}
