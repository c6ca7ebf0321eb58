package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A health round found one of the pipeline's resources ({@code resource}: {@code publication}, {@code hba_entry},
 * {@code replication_role}, {@code connector_config}) different from its desired state. {@code expected} and
 * {@code actual} are short texts for people, never holding a secret. A repeat of the drift already open is ignored.
 */
public record RecordDrift(@TargetAggregateIdentifier UUID pipelineId, String resource, String expected,
                          String actual, Instant detectedAt) {
}
