package io.pipewright.sagas.service;

import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.sagas.Backoff;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.RecordServiceProbe;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.tenancy.ExternalWorkGate;
import io.pipewright.sagas.tenancy.GatedCall;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Probes a registered service until it answers as usable, backing off while it is still coming up, then keeps
 * re-checking it at a slow pace. Probes are durable deadlines, so they go on after a control-plane restart. Only a
 * change of what the probe saw becomes an event (the aggregate decides). A probe calls a tenant's endpoint, so it runs
 * only when the {@link ExternalWorkGate} admits it: an organization registering many slow endpoints waits for its own
 * probes, and leaves the scheduler's threads to the others.
 */
@Saga
public class ServiceProbingSaga {

    static final String SERVICE_ID = "serviceId";
    static final String ACTOR = "actor";
    static final String PROBER = "service-prober";
    static final String PROBE = "probe-service";
    static final Duration MAX_RETRY = Duration.ofSeconds(60);
    static final Duration RECHECK = Duration.ofSeconds(60);

    private UUID serviceId;
    private UUID organizationId;
    private ServiceType type;
    private PostgresEndpoint postgres;
    private KafkaEndpoint kafka;
    private int failedProbes;

    @Autowired
    private transient CommandGateway commands;
    @Autowired
    private transient DeadlineManager deadlines;
    @Autowired
    private transient ServiceProber prober;
    @Autowired
    private transient ExternalWorkGate gate;

    @StartSaga
    @SagaEventHandler(associationProperty = SERVICE_ID)
    void on(ManagedServiceRegistered registered) {
        serviceId = registered.serviceId();
        organizationId = registered.organizationId();
        type = registered.description().databaseType();
        postgres = registered.postgres();
        kafka = registered.kafka();
        deadlines.schedule(Duration.ZERO, PROBE);
    }

    @DeadlineHandler(deadlineName = PROBE)
    void probe() {
        ExternalWorkGate.Work work = new ExternalWorkGate.Work(serviceId,
                organizationId != null ? organizationId : serviceId, List.of(serviceId), false);
        if (GatedCall.run(gate, work, this::probeNow) instanceof ExternalWorkGate.Busy busy) {
            deadlines.schedule(busy.retryAfter(), PROBE);
        }
    }

    private void probeNow() {
        ProbeResult result = prober.probe(type, postgres, kafka);
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(new RecordServiceProbe(serviceId, result.status(),
                result.reason(), result.addonStatuses())).andMetaData(MetaData.with(ACTOR, PROBER)));
        failedProbes = result.fullyRunning() ? 0 : failedProbes + 1;
        deadlines.schedule(result.fullyRunning() ? RECHECK : Backoff.exponential(failedProbes, MAX_RETRY), PROBE);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = SERVICE_ID)
    void on(ManagedServiceDeregistered deregistered) {
        deadlines.cancelAllWithinScope(PROBE);
    }
}
