package io.pipewright.app.orphans;

import io.pipewright.kernel.access.Caller;
import io.pipewright.sagas.orphans.OrphanLedger;
import io.pipewright.sagas.orphans.OrphanSweep;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator's view of orphans: what the last sweep found ({@code GET}), a sweep now ({@code POST .../sweep}), and
 * their removal on request ({@code DELETE}, which looks again first and answers what is still there).
 */
@RestController
@Tag(name = "Operator: orphans")
class OrphanController {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanController.class);

    private final OrphanLedger ledger;
    private final OrphanSweep sweep;
    private final OrphanMetric metric;

    OrphanController(OrphanLedger ledger, OrphanSweep sweep, OrphanMetric metric) {
        this.ledger = ledger;
        this.sweep = sweep;
        this.metric = metric;
    }

    @GetMapping("/operator/orphans")
    Mono<List<OrphanView>> listOrphans() {
        return blocking(ledger::all);
    }

    @PostMapping("/operator/orphans/sweep")
    Mono<List<OrphanView>> sweepNow(Caller caller) {
        LOG.info("Orphan sweep requested by {}", caller.username());
        return blocking(sweep::sweep);
    }

    /** All orphans, or only those tagged with {@code pipeline_id}. */
    @DeleteMapping("/operator/orphans")
    Mono<List<OrphanView>> remove(@RequestParam(name = "pipeline_id", required = false) UUID pipelineId,
                                  Caller caller) {
        LOG.info("Orphan removal requested by {}{}", caller.username(),
                pipelineId == null ? "" : " for pipeline " + pipelineId);
        return blocking(() -> sweep.remove(orphan -> pipelineId == null || pipelineId.equals(orphan.pipelineId())));
    }

    private Mono<List<OrphanView>> blocking(Supplier<List<OrphanLedger.Orphan>> work) {
        return Mono.fromSupplier(() -> {
            List<OrphanLedger.Orphan> orphans = work.get();
            metric.update(orphans);
            return orphans.stream().map(OrphanView::of).toList();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** snake_case on the wire, as every view. */
    record OrphanView(UUID serviceId, String kind, String name, String node, String databaseName, UUID pipelineId,
                      Instant firstSeenAt, Instant lastSeenAt) {

        static OrphanView of(OrphanLedger.Orphan orphan) {
            return new OrphanView(orphan.serviceId(), orphan.resource().kind(), orphan.resource().name(),
                    orphan.resource().node(), orphan.resource().database(), orphan.resource().pipelineId(),
                    orphan.firstSeenAt(), orphan.lastSeenAt());
        }
    }
}
