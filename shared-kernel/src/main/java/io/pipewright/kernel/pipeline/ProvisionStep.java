package io.pipewright.kernel.pipeline;

import java.util.List;
import java.util.Optional;

/** The reconciler's steps from Pending to Running, in order. */
public enum ProvisionStep {
    ENSURE_NETWORK("ensure_network"),
    INSTALL_PLUGIN("install_plugin"),
    PREPARE_SOURCE("prepare_source"),
    CREATE_PUBLICATION("create_publication"),
    CREATE_CONNECTOR("create_connector");

    /**
     * What a delete removes, in this order: the connector (with its offsets and slot), the publication, the role and
     * its pg_hba entry. The network path is shared by the pair of services and the plugin by the worker: both stay.
     */
    public static final List<ProvisionStep> TEARDOWN = List.of(CREATE_CONNECTOR, CREATE_PUBLICATION, PREPARE_SOURCE);

    private final String wireName;

    ProvisionStep(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ProvisionStep first() {
        return ENSURE_NETWORK;
    }

    public Optional<ProvisionStep> next() {
        ProvisionStep[] steps = values();
        return ordinal() + 1 < steps.length ? Optional.of(steps[ordinal() + 1]) : Optional.empty();
    }
}
