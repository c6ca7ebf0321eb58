package io.pipewright.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.r2dbc.postgresql.codec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;

/**
 * Converts the nested parts of views to and from jsonb columns. The mapper is private to the views: a change of the
 * REST API's JSON settings must not change how stored views read back.
 */
@Component
public class ViewJson {

    private final JsonMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public Json write(Object value) {
        try {
            return Json.of(mapper.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null for a SQL NULL. */
    public <T> T read(Json json, Class<T> type) {
        return read(json, mapper.constructType(type));
    }

    /** Null for a SQL NULL. */
    public <T> T read(Json json, TypeReference<T> type) {
        return read(json, mapper.constructType(type));
    }

    private <T> T read(Json json, JavaType type) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json.asArray(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
