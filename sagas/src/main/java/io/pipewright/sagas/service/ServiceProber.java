package io.pipewright.sagas.service;

import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.ServiceType;

/** Asks a registered service whether it is usable. Blocking, bounded by short timeouts; never throws. */
public interface ServiceProber {

    ProbeResult probe(ServiceType type, PostgresEndpoint postgres, KafkaEndpoint kafka);
}
