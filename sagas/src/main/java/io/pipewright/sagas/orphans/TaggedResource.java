package io.pipewright.sagas.orphans;

import java.util.List;
import java.util.UUID;

/**
 * Something on a registered service that carries Pipewright's tag (see
 * {@link io.pipewright.kernel.pipeline.ResourceNames}): a role, publication or replication slot named
 * {@code pipewright_<id>}, a pg_hba.conf line ending {@code # pipewright:<id>}, a connector {@code mdb-pipeline-...}.
 * {@code node} is where it lives ({@code host:port}, or the worker's URL), {@code database} only for a publication,
 * {@code pipelineId} null when the tag does not carry a whole id.
 */
public record TaggedResource(String kind, String name, String node, String database, UUID pipelineId) {

    public static final String CONNECTOR = "connector";
    public static final String REPLICATION_SLOT = "replication_slot";
    public static final String PUBLICATION = "publication";
    public static final String HBA_ENTRY = "hba_entry";
    public static final String ROLE = "role";

    /** The reverse of provisioning, as in a teardown: the connector lets go of the slot, the role goes last. */
    public static final List<String> REMOVAL_ORDER = List.of(CONNECTOR, REPLICATION_SLOT,
            PUBLICATION, HBA_ENTRY, ROLE);
}
