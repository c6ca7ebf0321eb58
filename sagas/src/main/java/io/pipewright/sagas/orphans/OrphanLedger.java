package io.pipewright.sagas.orphans;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The orphans the last sweep found, per service, and what the sweep needs to tell them from live resources. */
public interface OrphanLedger {

    /** Pipelines that exist and are not deleted: what they own is never an orphan. */
    Set<UUID> livePipelines();

    List<UUID> services();

    /** The service's orphans are now exactly {@code orphans}: new ones added, gone ones dropped. */
    void replace(UUID serviceId, List<TaggedResource> orphans, Instant sweptAt);

    List<Orphan> all();

    record Orphan(UUID serviceId, TaggedResource resource, Instant firstSeenAt, Instant lastSeenAt) {
    }
}
