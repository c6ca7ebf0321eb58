package io.pipewright.query.pipeline;

import io.pipewright.kernel.query.FindPipeline;
import io.pipewright.kernel.query.PipelineView;
import java.util.concurrent.CompletableFuture;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class PipelineQueries {

    private final PipelineViews views;

    PipelineQueries(PipelineViews views) {
        this.views = views;
    }

    /** Completes with null when the organization has no live pipeline with that id. */
    @QueryHandler
    CompletableFuture<PipelineView> handle(FindPipeline query) {
        return views.find(query.organizationId(), query.pipelineId()).toFuture();
    }
}
