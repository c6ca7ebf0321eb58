package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceType;
import java.util.Objects;
import java.util.Optional;

/** Whether a pipeline's services can be connected at all, with the reference's troubleshooting texts. */
final class Preconditions {

    private Preconditions() {
    }

    /** A problem that waiting will not solve, or empty. */
    static Optional<String> terminalProblem(ServiceRecord source, ServiceRecord sink) {
        if (source.description().databaseType() != ServiceType.POSTGRESQL) {
            return Optional.of("source service must be postgresql");
        }
        if (sink.description().databaseType() != ServiceType.KAFKA
                || !sink.description().hasAddon(ServiceDescription.KAFKA_CONNECT_ADDON)) {
            return Optional.of("sink service does not have the kafka-connect addon enabled");
        }
        if (source.peeringRegion() == null || !Objects.equals(source.peeringRegion(), sink.peeringRegion())) {
            return Optional.of("source zone " + source.description().zone() + " and sink zone "
                    + sink.description().zone() + " are not in the same peering region");
        }
        return Optional.empty();
    }

    /** Both services answer, the sink's Connect too; until then the pipeline stays Pending. */
    static boolean ready(ServiceRecord source, ServiceRecord sink) {
        return source.isRunning() && sink.isRunning() && sink.addonRunning(ServiceDescription.KAFKA_CONNECT_ADDON);
    }
}
