package io.pipewright.app.logging;

import io.pipewright.kernel.MessageMetadata;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Names what a message is about on every log line written while it is handled, and hands those names on to every
 * message sent meanwhile: the pipeline, service and organization (from the message's payload, or inherited) and the
 * id of the HTTP request that started the chain. An API request's command passes them to its events, a saga handling
 * those events to its commands and deadlines, a deadline to what it sends, so a line logged by a provisioning step
 * minutes later on another thread still says {@code pipeline_id}, {@code organization_id} and {@code request_id}
 * (plain MDC entries: the pattern log ignores them, Spring Boot's structured JSON logs carry each as a field).
 * Only ids travel, never anything a tenant typed except a request id the web layer has checked.
 */
@Component
public class PipelineLogContext implements CorrelationDataProvider, MessageHandlerInterceptor<Message<?>> {

    public static final String PIPELINE_ID = MessageMetadata.PIPELINE_ID;
    public static final String SERVICE_ID = MessageMetadata.SERVICE_ID;
    public static final String ORGANIZATION_ID = MessageMetadata.ORGANIZATION_ID;
    public static final String REQUEST_ID = MessageMetadata.REQUEST_ID;

    private static final List<Field> FIELDS = List.of(new Field(PIPELINE_ID, "pipelineId"),
            new Field(SERVICE_ID, "serviceId"), new Field(ORGANIZATION_ID, "organizationId"),
            new Field(REQUEST_ID, null));

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        return namesOf(message);
    }

    @Override
    public Object handle(UnitOfWork<? extends Message<?>> unitOfWork, InterceptorChain interceptorChain)
            throws Exception {
        Map<String, String> names = namesOf(unitOfWork.getMessage());
        if (names.isEmpty()) {
            return interceptorChain.proceed();
        }
        List<String[]> previous = new ArrayList<>(names.size());
        names.forEach((key, value) -> {
            previous.add(new String[] {key, MDC.get(key)});
            MDC.put(key, value);
        });
        try {
            return interceptorChain.proceed();
        } finally {
            for (String[] entry : previous) {
                if (entry[1] == null) {
                    MDC.remove(entry[0]);
                } else {
                    MDC.put(entry[0], entry[1]);
                }
            }
        }
    }

    /** The payload's own ids first (a saga's command names its pipeline), then what the message inherited. */
    static Map<String, String> namesOf(Message<?> message) {
        Map<String, String> names = new LinkedHashMap<>(4);
        Object payload = message.getPayload();
        for (Field field : FIELDS) {
            String value = field.of(payload);
            if (value == null && message.getMetaData().get(field.key()) instanceof String inherited) {
                value = inherited;
            }
            if (value != null) {
                names.put(field.key(), value);
            }
        }
        return names;
    }

    /** A log field and the payload component (a record's {@code UUID} accessor) it is read from, if any. */
    private record Field(String key, String component) {

        private static final ClassValue<Map<String, MethodHandle>> ACCESSORS = new ClassValue<>() {
            @Override
            protected Map<String, MethodHandle> computeValue(Class<?> type) {
                Map<String, MethodHandle> accessors = new LinkedHashMap<>();
                for (Field field : FIELDS) {
                    if (field.component() != null) {
                        accessor(type, field.component()).ifPresent(handle -> accessors.put(field.component(), handle));
                    }
                }
                return accessors;
            }
        };

        String of(Object payload) {
            if (component == null || payload == null) {
                return null;
            }
            MethodHandle accessor = ACCESSORS.get(payload.getClass()).get(component);
            if (accessor == null) {
                return null;
            }
            try {
                Object id = accessor.invoke(payload);
                return id == null ? null : id.toString();
            } catch (Throwable unreadable) {
                return null;
            }
        }

        private static Optional<MethodHandle> accessor(Class<?> type, String name) {
            try {
                return Optional.of(MethodHandles.publicLookup()
                        .findVirtual(type, name, MethodType.methodType(UUID.class))
                        .asType(MethodType.methodType(Object.class, Object.class)));
            } catch (NoSuchMethodException | IllegalAccessException notThere) {
                return Optional.empty();
            }
        }
    }
}
