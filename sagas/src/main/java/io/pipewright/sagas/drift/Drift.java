package io.pipewright.sagas.drift;

import io.pipewright.kernel.pipeline.ProvisionStep;

/**
 * One resource of a pipeline found different from its desired state: {@code expected} and {@code actual} are short
 * texts for people, without secrets. {@code repairedBy}: the provisioning step whose converge puts it back.
 */
public record Drift(String resource, String expected, String actual) {

    public static final String PUBLICATION = "publication";
    public static final String HBA_ENTRY = "hba_entry";
    public static final String REPLICATION_ROLE = "replication_role";
    public static final String CONNECTOR_CONFIG = "connector_config";

    /** The longest text an expected or actual state is given; a longer one is cut, saying so. */
    static final int MAX_TEXT = 500;

    public Drift {
        expected = shortened(expected);
        actual = shortened(actual);
    }

    public ProvisionStep repairedBy() {
        return switch (resource) {
            case PUBLICATION -> ProvisionStep.CREATE_PUBLICATION;
            case HBA_ENTRY, REPLICATION_ROLE -> ProvisionStep.PREPARE_SOURCE;
            case CONNECTOR_CONFIG -> ProvisionStep.CREATE_CONNECTOR;
            default -> throw new IllegalArgumentException("no step repairs resource " + resource);
        };
    }

    private static String shortened(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 14) + "... (shortened)";
    }
}
