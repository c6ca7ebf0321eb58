package io.pipewright.sagas.orphans;

import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.List;

/** What carries Pipewright's tag on a registered service, whichever pipeline it belongs to, and how it is removed. */
public interface Residue {

    /** Everything tagged on the service: on a source its primary and every node's pg_hba.conf, on a sink its worker. */
    List<TaggedResource> find(ServiceRecord service);

    void remove(ServiceRecord service, TaggedResource resource);
}
