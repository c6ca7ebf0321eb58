package io.pipewright.accounts;

import java.nio.charset.StandardCharsets;

/** What a password must be for bcrypt, which reads at most 72 bytes and refuses (500) anything longer. */
final class Passwords {

    static final int BCRYPT_MAX_BYTES = 72;

    private Passwords() {
    }

    static boolean fitsBcrypt(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= BCRYPT_MAX_BYTES;
    }
}
