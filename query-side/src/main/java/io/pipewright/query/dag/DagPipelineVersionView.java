package io.pipewright.query.dag;

import java.time.Instant;

/** One version of a DAG pipeline in its list of versions: its number, when and by whom it was written. */
public record DagPipelineVersionView(int version, Instant createdAt, String author) {
}
