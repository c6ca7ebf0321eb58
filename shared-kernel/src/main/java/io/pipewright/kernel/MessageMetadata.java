package io.pipewright.kernel;

import java.util.UUID;
import org.axonframework.messaging.MetaData;

/**
 * Keys of the metadata messages carry besides their payload, and of the logging context (MDC): who caused them
 * ({@code actor}, the audit trail's "who") and what they are about ({@code pipeline_id}, {@code service_id},
 * {@code organization_id}, {@code request_id}; see the app's {@code PipelineLogContext}, which also reads the ids
 * from payloads). A message that does not name its organization in its payload gets it here from whoever sends it
 * knowing it.
 */
public final class MessageMetadata {

    public static final String ACTOR = "actor";
    public static final String PIPELINE_ID = "pipeline_id";
    public static final String SERVICE_ID = "service_id";
    public static final String ORGANIZATION_ID = "organization_id";
    public static final String REQUEST_ID = "request_id";

    private MessageMetadata() {
    }

    /** A command's metadata from {@code actor} about an object of {@code organizationId} (null when unknown). */
    public static MetaData of(String actor, UUID organizationId) {
        MetaData metaData = MetaData.with(ACTOR, actor);
        return organizationId == null ? metaData : metaData.and(ORGANIZATION_ID, organizationId.toString());
    }
}
