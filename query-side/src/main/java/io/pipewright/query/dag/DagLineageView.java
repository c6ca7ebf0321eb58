package io.pipewright.query.dag;

import java.util.List;
import java.util.UUID;

/**
 * The answer of {@code GET /api/v1/pipelines/{id}/lineage}: what each task of the pipeline's latest {@code version}
 * reads and writes, and the edges data flows along, within the pipeline and beyond it (see {@link DagLineage}).
 * Datasets are named the OpenLineage way: a {@code namespace} that says where the dataset lives ({@code
 * postgres://<service id>/<database>}, or {@code kafka://<service id>} for a topic) and a {@code name} in it
 * ({@code schema.table}, or the topic).
 */
public record DagLineageView(UUID pipelineId, int version, List<TaskLineage> tasks, List<Edge> edges) {

    public DagLineageView {
        tasks = List.copyOf(tasks);
        edges = List.copyOf(edges);
    }

    /** A table of a PostgreSQL database, as a task reads or writes it. */
    public record Dataset(String namespace, String name) {
    }

    /** One task of the pipeline, in the definition's order. */
    public record TaskLineage(String id, List<Dataset> reads, List<Dataset> writes) {

        public TaskLineage {
            reads = List.copyOf(reads);
            writes = List.copyOf(writes);
        }
    }

    /**
     * One end of an edge. {@code kind}: {@value #TASK} (a task of this pipeline, {@code name} its id),
     * {@value #PIPELINE_TASK} (a task of another DAG pipeline of the organization: {@code name} the task's id,
     * {@code pipeline_id} and {@code pipeline_name} its pipeline), {@value #DATASET} (a table: {@code namespace} and
     * {@code name}), {@value #TOPIC} (a Kafka topic a CDC pipeline writes: {@code namespace} and {@code name}, the CDC
     * pipeline in {@code pipeline_id} and {@code pipeline_name}). Fields a kind does not use are null.
     */
    public record Node(String kind, String namespace, String name, UUID pipelineId, String pipelineName) {

        public static final String TASK = "task";
        public static final String PIPELINE_TASK = "pipeline_task";
        public static final String DATASET = "dataset";
        public static final String TOPIC = "topic";

        static Node task(String taskId) {
            return new Node(TASK, null, taskId, null, null);
        }

        static Node pipelineTask(UUID pipelineId, String pipelineName, String taskId) {
            return new Node(PIPELINE_TASK, null, taskId, pipelineId, pipelineName);
        }

        static Node dataset(Dataset dataset) {
            return new Node(DATASET, dataset.namespace(), dataset.name(), null, null);
        }

        static Node topic(String namespace, String topic, UUID pipelineId, String pipelineName) {
            return new Node(TOPIC, namespace, topic, pipelineId, pipelineName);
        }
    }

    /**
     * Data flows {@code from} one node {@code to} another. {@code via}: the name of the dataset (in the pipeline's
     * namespace) that one task writes and the other reads, or {@value #CAPTURED} for a table a CDC pipeline streams
     * into a topic.
     */
    public record Edge(Node from, Node to, String via) {

        public static final String CAPTURED = "cdc";
    }
}
