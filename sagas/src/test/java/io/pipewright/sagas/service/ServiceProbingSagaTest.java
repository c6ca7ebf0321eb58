package io.pipewright.sagas.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.RecordServiceProbe;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.pipewright.sagas.tenancy.ScriptedGate;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceProbingSagaTest {

    private static final UUID ID = UUID.randomUUID();
    private static final KafkaEndpoint KAFKA = new KafkaEndpoint("127.0.0.1:9092",
            new KafkaConnectEndpoint("http://127.0.0.1:8083", PluginInstallation.PREINSTALLED, null, null, null, null,
                    null), null);
    private static final ManagedServiceRegistered REGISTERED = new ManagedServiceRegistered(ID, UUID.randomUUID(),
            new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3", "se-sto1", null, null, null,
                    List.of("kafka-connect")),
            "europe", null, KAFKA, Instant.parse("2026-06-22T10:00:00Z"));
    private static final ProbeResult COMING_UP = new ProbeResult(ServiceStatus.PENDING, "connection refused",
            Map.of("kafka-connect", ServiceStatus.PENDING));
    private static final ProbeResult UP = new ProbeResult(ServiceStatus.RUNNING, null,
            Map.of("kafka-connect", ServiceStatus.RUNNING));

    private SagaTestFixture<ServiceProbingSaga> fixture;
    private final Deque<ProbeResult> answers = new ArrayDeque<>();
    private final ScriptedGate gate = new ScriptedGate();

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(ServiceProbingSaga.class);
        fixture.registerResource((ServiceProber) (type, postgres, kafka) -> {
            assertThat(kafka).isEqualTo(KAFKA);
            return answers.remove();
        });
        fixture.registerResource(gate);
        fixture.registerCommandGateway(org.axonframework.commandhandling.gateway.CommandGateway.class);
    }

    @Test
    void probesRightAfterRegistration() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(REGISTERED)
                .expectActiveSagas(1)
                .expectScheduledDeadlineWithName(Duration.ZERO, ServiceProbingSaga.PROBE)
                .expectNoDispatchedCommands();
    }

    @Test
    void recordsWhatTheProbeSawAndBacksOffWhileTheServiceComesUp() {
        answers.add(COMING_UP);
        fixture.givenAPublished(REGISTERED)
                .whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new RecordServiceProbe(ID, ServiceStatus.PENDING, "connection refused",
                        Map.of("kafka-connect", ServiceStatus.PENDING)))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), ServiceProbingSaga.PROBE);
    }

    @Test
    void rechecksSlowlyOnceRunning() throws Exception {
        answers.add(COMING_UP);
        answers.add(UP);
        fixture.givenAPublished(REGISTERED)
                .andThenTimeElapses(Duration.ZERO)
                .whenTimeElapses(Duration.ofSeconds(1))
                .expectDispatchedCommands(new RecordServiceProbe(ID, ServiceStatus.RUNNING, null,
                        Map.of("kafka-connect", ServiceStatus.RUNNING)))
                .expectScheduledDeadlineWithName(ServiceProbingSaga.RECHECK, ServiceProbingSaga.PROBE);
    }

    @Test
    void aProbeTheGateHoldsBackComesAgainShortlyWithoutCallingTheService() {
        gate.busyOnce();
        answers.add(UP);
        fixture.givenAPublished(REGISTERED)
                .whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(ScriptedGate.BUSY_FOR, ServiceProbingSaga.PROBE);
        assertThat(answers).hasSize(1);
        assertThat(gate.asked).singleElement().satisfies(work -> {
            assertThat(work.subjectId()).isEqualTo(ID);
            assertThat(work.organizationId()).isEqualTo(REGISTERED.organizationId());
            assertThat(work.serviceIds()).containsExactly(ID);
        });
    }

    @Test
    void anAdmittedProbeReleasesItsAdmissionOnceHandled() {
        answers.add(UP);
        fixture.givenAPublished(REGISTERED).whenTimeElapses(Duration.ZERO);
        assertThat(gate.released).isEqualTo(1);
    }

    @Test
    void stopsProbingWhenTheServiceIsDeregistered() {
        fixture.givenAPublished(REGISTERED)
                .whenPublishingA(new ManagedServiceDeregistered(ID, Instant.now()))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }

    @Test
    void backoffDoublesUpToAMinute() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 20).stream()
                .map(attempt -> Backoff.exponential(attempt, ServiceProbingSaga.MAX_RETRY)).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
    }
}
