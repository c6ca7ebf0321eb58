package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.Optional;

public enum ServiceType {
    POSTGRESQL("postgresql"),
    KAFKA("kafka");

    private final String wireName;

    ServiceType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ServiceType> fromWireName(String value) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(value)).findFirst();
    }
}
