package io.pipewright.query.dag;

import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.query.dag.DagLineageView.Dataset;
import io.pipewright.query.dag.DagLineageView.Edge;
import io.pipewright.query.dag.DagLineageView.Node;
import io.pipewright.query.dag.DagLineageView.TaskLineage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Derives a DAG pipeline's lineage from its definition, so it is known before any run and never depends on what a run
 * happened to touch. A {@code sql} task reads the tables its query names (found by JSqlParser, with the {@code ${...}}
 * placeholders replaced by a literal first) and writes its {@code output}; a {@code quality} task reads the outputs of
 * the tasks it depends on; a {@code notification} task touches no table. Every table is in the pipeline's database,
 * named {@code schema.table} in lower case ({@code public} when the query names no schema; a quoted part keeps its
 * case), so two pipelines meet on a table when they run on the same service and database and name it alike.
 * <p>
 * The edges: a task to each task of the pipeline that reads what it writes; across pipelines, a task to each task of
 * another DAG pipeline of the organization that reads what it writes, and from each such task that writes what it
 * reads; and, from CDC pipelines of the organization on the same service and database, each table a task reads that
 * one of them captures to the topic it streams it into ({@code <topic_prefix>.<schema>.<table>}).
 */
final class DagLineage {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");
    private static final String DEFAULT_SCHEMA = "public";

    private DagLineage() {
    }

    /** Another live DAG pipeline of the organization, at its latest version. */
    record OtherPipeline(UUID id, String name, DagDefinition definition) {
    }

    /** A live CDC pipeline of the organization: the tables ({@code schema.table}) it captures and where they go. */
    record CdcPipeline(UUID id, String name, UUID sourceServiceId, String database, List<String> tables,
                       String topicPrefix, UUID sinkServiceId) {

        CdcPipeline {
            tables = List.copyOf(tables);
        }
    }

    static DagLineageView of(UUID pipelineId, int version, DagDefinition definition, List<OtherPipeline> others,
                             List<CdcPipeline> cdcPipelines) {
        String namespace = namespace(definition);
        Map<String, TaskLineage> tasks = lineage(definition, namespace);
        Set<Edge> edges = new LinkedHashSet<>();
        tasks.values().forEach(writer -> writer.writes().forEach(written -> tasks.values().stream()
                .filter(reader -> !reader.id().equals(writer.id()) && reader.reads().contains(written))
                .forEach(reader -> edges.add(new Edge(Node.task(writer.id()), Node.task(reader.id()),
                        written.name())))));
        for (OtherPipeline other : others) {
            if (other.id().equals(pipelineId) || !namespace(other.definition()).equals(namespace)) {
                continue;
            }
            for (TaskLineage theirs : lineage(other.definition(), namespace).values()) {
                Node their = Node.pipelineTask(other.id(), other.name(), theirs.id());
                for (TaskLineage ours : tasks.values()) {
                    ours.writes().stream().filter(theirs.reads()::contains).forEach(dataset ->
                            edges.add(new Edge(Node.task(ours.id()), their, dataset.name())));
                    theirs.writes().stream().filter(ours.reads()::contains).forEach(dataset ->
                            edges.add(new Edge(their, Node.task(ours.id()), dataset.name())));
                }
            }
        }
        Set<Dataset> read = new LinkedHashSet<>();
        tasks.values().forEach(task -> read.addAll(task.reads()));
        for (CdcPipeline cdc : cdcPipelines) {
            if (!namespace(cdc.sourceServiceId(), cdc.database()).equals(namespace)) {
                continue;
            }
            for (String table : cdc.tables()) {
                Dataset captured = new Dataset(namespace, tableName(table));
                if (read.contains(captured)) {
                    edges.add(new Edge(Node.dataset(captured), Node.topic("kafka://" + cdc.sinkServiceId(),
                            cdc.topicPrefix() + "." + table, cdc.id(), cdc.name()), Edge.CAPTURED));
                }
            }
        }
        return new DagLineageView(pipelineId, version, List.copyOf(tasks.values()), List.copyOf(edges));
    }

    /** Each task's reads and writes, by task id in the definition's order. */
    private static Map<String, TaskLineage> lineage(DagDefinition definition, String namespace) {
        Map<String, TaskLineage> tasks = new LinkedHashMap<>();
        for (DagTask task : definition.tasks()) {
            List<Dataset> reads = new ArrayList<>();
            List<Dataset> writes = new ArrayList<>();
            switch (task.type()) {
                case DagTask.SQL -> {
                    tablesRead(task.query()).forEach(table -> reads.add(new Dataset(namespace, table)));
                    if (task.output() != null) {
                        writes.add(new Dataset(namespace, tableName(task.output())));
                    }
                }
                case DagTask.QUALITY -> task.dependsOn().stream()
                        .map(definition::task)
                        .flatMap(Optional::stream)
                        .filter(upstream -> upstream.output() != null)
                        .map(upstream -> new Dataset(namespace, tableName(upstream.output())))
                        .distinct()
                        .forEach(reads::add);
                default -> {
                }
            }
            tasks.put(task.id(), new TaskLineage(task.id(), reads, writes));
        }
        return tasks;
    }

    /**
     * The tables {@code query} names, normalized, in the order found. A query JSqlParser cannot read (the definition
     * was validated with it, so only a placeholder standing for a name can cause that) reads no known table.
     */
    static List<String> tablesRead(String query) {
        if (query == null) {
            return List.of();
        }
        try {
            String literal = PLACEHOLDER.matcher(query).replaceAll("0");
            Set<String> tables = new TablesNamesFinder<>().getTables(CCJSqlParserUtil.parse(literal));
            return tables.stream().map(DagLineage::tableName).distinct().toList();
        } catch (JSQLParserException unreadable) {
            return List.of();
        }
    }

    /**
     * {@code schema.table} as PostgreSQL resolves it: unquoted parts in lower case, quoted ones as written, the
     * database of a three-part name dropped (it is the pipeline's), {@code public} when no schema is named.
     */
    static String tableName(String name) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int index = 0; index < name.length(); index++) {
            char character = name.charAt(index);
            if (character == '"') {
                if (quoted && index + 1 < name.length() && name.charAt(index + 1) == '"') {
                    part.append('"');
                    index++;
                } else {
                    quoted = !quoted;
                }
            } else if (character == '.' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(quoted ? character : Character.toLowerCase(character));
            }
        }
        parts.add(part.toString());
        if (parts.size() == 1) {
            return DEFAULT_SCHEMA + "." + parts.get(0);
        }
        return parts.get(parts.size() - 2) + "." + parts.get(parts.size() - 1);
    }

    private static String namespace(DagDefinition definition) {
        return namespace(definition.postgresServiceId(), definition.database());
    }

    private static String namespace(UUID serviceId, String database) {
        return "postgres://" + serviceId + "/" + database;
    }
}
