package io.pipewright.app.persistence;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * One JSON serializer for events, messages, sagas and tokens, snake_case like the API so the audit trail reads the
 * same in psql and over REST. Its mapper is private to Axon: a change of the REST API's settings must never change
 * how stored events read back. Field visibility lets sagas and snapshots serialize without
 * getters; unknown properties are ignored so that an event written by a newer version still loads.
 */
@Configuration(proxyBeanMethods = false)
class AxonSerialization {

    @Bean
    @Primary
    Serializer serializer() {
        JsonMapper mapper = JsonMapper.builder()
                .findAndAddModules()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
        return JacksonSerializer.builder().objectMapper(mapper).build();
    }
}
