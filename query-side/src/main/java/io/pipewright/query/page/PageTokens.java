package io.pipewright.query.page;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a {@link Keyset} (or a {@link NameKeyset}) into the opaque {@code page_token} a client sends back, and back
 * again. The token is the keyset values followed by an HMAC-SHA256 over them and the listing they belong to (its kind, organization and
 * filters), so a token that was altered, forged or taken from another listing is refused as a 400 rather than
 * silently reading from somewhere else. The key is shared by every control-plane node (see {@link PageTokenKey}), so a
 * token works whichever node answers the next page.
 */
public final class PageTokens {

    private static final byte VERSION = 1;
    /** The first byte of a {@link NameKeyset}'s token: its id, then the name's UTF-8 bytes. */
    private static final byte NAMED = 2;
    private static final int NAMED_FIXED_BYTES = 1 + 2 * Long.BYTES;
    private static final int MAC_BYTES = 16;
    private static final int KEYSET_BYTES = 1 + Long.BYTES + Integer.BYTES + 2 * Long.BYTES;
    private static final String RULE = "must be a next_page_token this listing returned";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> hmac = ThreadLocal.withInitial(this::newMac);

    public PageTokens(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public String encode(Keyset keyset, String listing) {
        ByteBuffer token = ByteBuffer.allocate(KEYSET_BYTES + MAC_BYTES);
        byte[] values = values(keyset);
        token.put(values).put(mac(values, listing));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /** The keyset of {@code token}, or a 400 on {@code page_token} when it is not one this listing gave out. */
    public Keyset decode(String token, String listing) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidParameter("page_token", RULE);
        }
        if (bytes.length != KEYSET_BYTES + MAC_BYTES || bytes[0] != VERSION) {
            throw new InvalidParameter("page_token", RULE);
        }
        byte[] values = Arrays.copyOf(bytes, KEYSET_BYTES);
        byte[] mac = Arrays.copyOfRange(bytes, KEYSET_BYTES, bytes.length);
        if (!MessageDigest.isEqual(mac, mac(values, listing))) {
            throw new InvalidParameter("page_token", RULE);
        }
        ByteBuffer keyset = ByteBuffer.wrap(values, 1, KEYSET_BYTES - 1);
        Instant createdAt = Instant.ofEpochSecond(keyset.getLong(), keyset.getInt());
        return new Keyset(createdAt, new UUID(keyset.getLong(), keyset.getLong()));
    }

    public String encode(NameKeyset keyset, String listing) {
        byte[] name = keyset.name().getBytes(StandardCharsets.UTF_8);
        byte[] values = ByteBuffer.allocate(NAMED_FIXED_BYTES + name.length)
                .put(NAMED)
                .putLong(keyset.id().getMostSignificantBits())
                .putLong(keyset.id().getLeastSignificantBits())
                .put(name)
                .array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(values.length + MAC_BYTES)
                .put(values).put(mac(values, listing)).array());
    }

    /** The name keyset of {@code token}, or a 400 on {@code page_token} when it is not one this listing gave out. */
    public NameKeyset decodeNamed(String token, String listing) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidParameter("page_token", RULE);
        }
        if (bytes.length < NAMED_FIXED_BYTES + MAC_BYTES || bytes[0] != NAMED) {
            throw new InvalidParameter("page_token", RULE);
        }
        byte[] values = Arrays.copyOf(bytes, bytes.length - MAC_BYTES);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(bytes, values.length, bytes.length), mac(values, listing))) {
            throw new InvalidParameter("page_token", RULE);
        }
        ByteBuffer keyset = ByteBuffer.wrap(values, 1, values.length - 1);
        UUID id = new UUID(keyset.getLong(), keyset.getLong());
        return new NameKeyset(new String(values, NAMED_FIXED_BYTES, values.length - NAMED_FIXED_BYTES,
                StandardCharsets.UTF_8), id);
    }

    private static byte[] values(Keyset keyset) {
        return ByteBuffer.allocate(KEYSET_BYTES)
                .put(VERSION)
                .putLong(keyset.createdAt().getEpochSecond())
                .putInt(keyset.createdAt().getNano())
                .putLong(keyset.id().getMostSignificantBits())
                .putLong(keyset.id().getLeastSignificantBits())
                .array();
    }

    private byte[] mac(byte[] values, String listing) {
        Mac hmac = this.hmac.get();
        hmac.update(listing.getBytes(StandardCharsets.UTF_8));
        hmac.update((byte) 0);
        return Arrays.copyOf(hmac.doFinal(values), MAC_BYTES);
    }

    /** A MAC under the key; looking one up costs more than computing it, so each thread keeps its own. */
    private Mac newMac() {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return hmac;
        } catch (GeneralSecurityException missingHmac) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", missingHmac);
        }
    }
}
