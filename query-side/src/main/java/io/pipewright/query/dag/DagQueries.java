package io.pipewright.query.dag;

import io.pipewright.kernel.query.DagPipelineView;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.kernel.query.FindDagPipeline;
import io.pipewright.kernel.query.FindDagRun;
import java.util.concurrent.CompletableFuture;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Answers the DAG queries the command side asks while it waits for a view to show what its command did ({@link
 * DagProjection} tells it when to ask again).
 */
@Component
class DagQueries {

    private final DagViews views;

    DagQueries(DagViews views) {
        this.views = views;
    }

    /** Completes with null when no live pipeline of those organizations has the id, or not that version. */
    @QueryHandler
    CompletableFuture<DagPipelineView> handle(FindDagPipeline query) {
        return views.pipeline(query.pipelineId(), query.organizationIds(), query.version()).toFuture();
    }

    /** Completes with null when the run is not one of that live pipeline of those organizations. */
    @QueryHandler
    CompletableFuture<DagRunView> handle(FindDagRun query) {
        return views.run(query.pipelineId(), query.runId(), query.organizationIds()).toFuture();
    }
}
