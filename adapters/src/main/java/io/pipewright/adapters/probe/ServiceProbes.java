package io.pipewright.adapters.probe;

import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.service.ProbeResult;
import io.pipewright.sagas.service.ServiceProber;
import org.springframework.stereotype.Component;

@Component
class ServiceProbes implements ServiceProber {

    private final PostgresProbe postgres;
    private final KafkaProbe kafka;

    ServiceProbes(PostgresProbe postgres, KafkaProbe kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    @Override
    public ProbeResult probe(ServiceType type, PostgresEndpoint postgresEndpoint, KafkaEndpoint kafkaEndpoint) {
        return switch (type) {
            case POSTGRESQL -> postgres.probe(postgresEndpoint);
            case KAFKA -> kafka.probe(kafkaEndpoint);
        };
    }
}
