package io.pipewright.kernel.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How the connector writes PostgreSQL {@code numeric} and {@code decimal} values: Debezium's
 * {@code decimal.handling.mode}. {@code double} (the reference's envelope, {@code "total": 99.95}) is a JSON number
 * that may lose precision beyond about 15 significant digits; {@code string} is exact, as a string consumers parse;
 * {@code precise} is exact, as Kafka Connect's Decimal logical type: base64 bytes whose scale only the schema gives.
 */
public enum DecimalHandlingMode {
    DOUBLE("double"),
    STRING("string"),
    PRECISE("precise");

    private final String debeziumValue;

    DecimalHandlingMode(String debeziumValue) {
        this.debeziumValue = debeziumValue;
    }

    public String debeziumValue() {
        return debeziumValue;
    }

    public static Optional<DecimalHandlingMode> fromDebeziumValue(String value) {
        return Arrays.stream(values()).filter(mode -> mode.debeziumValue.equals(value)).findFirst();
    }

    public static List<String> debeziumValues() {
        return Arrays.stream(values()).map(DecimalHandlingMode::debeziumValue).toList();
    }
}
