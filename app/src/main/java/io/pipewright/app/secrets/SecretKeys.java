package io.pipewright.app.secrets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The vault's keys: {@code pipewright.secrets.key} (base64 of 32 random bytes) encrypts new secrets;
 * {@code pipewright.secrets.previous-keys} still decrypt older ones during a rotation. A key is known by the first
 * bytes of its SHA-256, so the key itself is never stored.
 */
@Component
class SecretKeys {

    record Key(String id, SecretKeySpec spec) {

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Key current;
    private final Map<String, Key> all = new LinkedHashMap<>();

    SecretKeys(@Value("${pipewright.secrets.key:}") String currentKey,
               @Value("${pipewright.secrets.previous-keys:}") List<String> previousKeys) {
        if (currentKey.isBlank()) {
            throw new IllegalStateException("pipewright.secrets.key (env PIPEWRIGHT_SECRETS_KEY) is not set: "
                    + "give it base64 of 32 random bytes, e.g. from `openssl rand -base64 32`");
        }
        current = parse(currentKey, "pipewright.secrets.key");
        all.put(current.id(), current);
        for (String previous : previousKeys) {
            if (!previous.isBlank()) {
                Key key = parse(previous, "pipewright.secrets.previous-keys");
                all.putIfAbsent(key.id(), key);
            }
        }
    }

    Key current() {
        return current;
    }

    /** The ids of pipewright.secrets.previous-keys: what a secret may still be encrypted under, to re-encrypt. */
    List<String> previousIds() {
        return all.keySet().stream().filter(id -> !id.equals(current.id())).toList();
    }

    Key byId(String id) {
        Key key = all.get(id);
        if (key == null) {
            throw new IllegalStateException("secret was encrypted with key " + id
                    + ", which is neither pipewright.secrets.key nor one of pipewright.secrets.previous-keys");
        }
        return key;
    }

    private static Key parse(String base64, String property) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(property + " must decode to 32 bytes (AES-256), got " + bytes.length);
        }
        return new Key(fingerprint(bytes), new SecretKeySpec(bytes, "AES"));
    }

    private static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
