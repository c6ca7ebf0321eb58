package io.pipewright.kernel;

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
}
