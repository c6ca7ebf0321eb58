package io.pipewright.kernel.secret;

import java.util.Objects;

/** A secret on its way into the vault. Its text never shows in logs or messages. */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
