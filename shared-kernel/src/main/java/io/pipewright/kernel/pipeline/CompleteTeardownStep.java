package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The teardown removed what {@code step} had created (connector and slot, publication, role and pg_hba entry). */
public record CompleteTeardownStep(@TargetAggregateIdentifier UUID pipelineId, ProvisionStep step) {
}
