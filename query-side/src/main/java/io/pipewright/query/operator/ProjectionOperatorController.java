package io.pipewright.query.operator;

import io.pipewright.kernel.access.Caller;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The operator's view of the projections, and their rebuild from the event store. */
@RestController
@Tag(name = "Operator: projections")
class ProjectionOperatorController {

    private static final Logger log = LoggerFactory.getLogger(ProjectionOperatorController.class);

    private final ProjectionRebuild projections;

    ProjectionOperatorController(ProjectionRebuild projections) {
        this.projections = projections;
    }

    @GetMapping("/operator/projections")
    List<ProjectionStatus> listProjections() {
        return projections.statuses();
    }

    /** Accepted once the replay has started; poll {@code GET /operator/projections} until nothing is replaying. */
    @PostMapping("/operator/projections/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<List<ProjectionStatus>> rebuild(Caller caller) {
        return Mono.fromRunnable(() -> {
                    log.info("Projection rebuild requested by {}", caller.username());
                    projections.rebuild();
                })
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.fromSupplier(projections::statuses));
    }
}
