package io.pipewright.kernel.pipeline;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one place that says how Pipewright names and tags what it creates for a pipeline, so that provisioning, teardown,
 * the health monitor and the orphan sweep all recognize the same things: the role, publication and replication slot
 * on the source ({@code pipewright_<32 hex digits>}), the pg_hba.conf line's tag ({@code # pipewright:<id>}), the
 * connector on the worker ({@code mdb-pipeline-<first 8 hex digits>}, as in the reference) and the connector's files
 * in the worker's secrets directory. A name that does not follow these rules is never taken for Pipewright's.
 */
public final class ResourceNames {

    /** What starts every source resource's name. */
    public static final String SOURCE_PREFIX = "pipewright_";
    /** A source resource's name as a PostgreSQL regular expression ({@code ~}), anchored at both ends. */
    public static final String SOURCE_RESOURCE_REGEX = "^pipewright_[0-9a-f]{32}$";
    /** What starts every connector's name. */
    public static final String CONNECTOR_PREFIX = "mdb-pipeline-";
    /** What opens the tag at the end of a pg_hba.conf line; the pipeline's id follows. */
    public static final String HBA_TAG_PREFIX = "# pipewright:";
    /** A tag in pg_hba.conf content, anywhere at the end of a line; group 1 is the id. */
    public static final Pattern HBA_TAG = Pattern.compile("(?m)" + Pattern.quote(HBA_TAG_PREFIX)
            + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})[ \t]*$");
    /** The suffix of the file holding the source's CA certificate for a pipeline's connector. */
    public static final String CA_CERTIFICATE_SUFFIX = ".ca.crt";
    /** The user the network check connects as: it exists nowhere, and no source resource is ever named so. */
    public static final String NETWORK_PROBE_USER = "pipewright_network_probe";
    /** The prefix of the logical messages a connector's heartbeat writes on its source. */
    public static final String HEARTBEAT_MESSAGE_PREFIX = "pipewright_heartbeat";

    private static final Pattern SOURCE_RESOURCE = Pattern.compile("pipewright_[0-9a-f]{32}");
    private static final Pattern CONNECTOR = Pattern.compile("mdb-pipeline-[0-9a-f]{8}");

    private ResourceNames() {
    }

    /** Name of the pipeline's role, publication and replication slot on the source. */
    public static String sourceResource(UUID pipelineId) {
        return SOURCE_PREFIX + pipelineId.toString().replace("-", "");
    }

    /** The pipeline a source resource was named after; empty for any other name (foreign, or null). */
    public static Optional<UUID> pipelineIdOfSourceResource(String name) {
        if (name == null || !SOURCE_RESOURCE.matcher(name).matches()) {
            return Optional.empty();
        }
        String hex = name.substring(SOURCE_PREFIX.length());
        return Optional.of(UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-"
                + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20)));
    }

    /** The first eight hex digits of the id, as in the reference's connector name {@code mdb-pipeline-a1b2c3d4}. */
    public static String shortId(UUID pipelineId) {
        return pipelineId.toString().substring(0, 8);
    }

    public static String connector(UUID pipelineId) {
        return CONNECTOR_PREFIX + shortId(pipelineId);
    }

    /**
     * The eight hex digits a connector name carries; empty for a name not made by {@link #connector}. They name no
     * pipeline for sure: two ids may share them, so a connector is a pipeline's only when its slot is the pipeline's.
     */
    public static Optional<String> shortIdOfConnector(String name) {
        if (name == null || !CONNECTOR.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of(name.substring(CONNECTOR_PREFIX.length()));
    }

    /** Whether a connector's name is in Pipewright's namespace ({@code mdb-pipeline-...}), whatever follows. */
    public static boolean inConnectorNamespace(String name) {
        return name != null && name.startsWith(CONNECTOR_PREFIX);
    }

    /** The comment that ends the pipeline's pg_hba.conf line. */
    public static String hbaTag(UUID pipelineId) {
        return HBA_TAG_PREFIX + pipelineId;
    }

    /** The pipeline a pg_hba.conf tag names; empty for anything else. */
    public static Optional<UUID> pipelineIdOfHbaTag(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        var matcher = HBA_TAG.matcher(tag);
        return matcher.matches() ? Optional.of(UUID.fromString(matcher.group(1))) : Optional.empty();
    }

    /** The file in the worker's secrets directory that holds the password of the pipeline's role. */
    public static String secretFile(UUID pipelineId) {
        return sourceResource(pipelineId);
    }

    /** The file in the worker's secrets directory that holds the source's CA certificate for the connector. */
    public static String caCertificateFile(UUID pipelineId) {
        return sourceResource(pipelineId) + CA_CERTIFICATE_SUFFIX;
    }
}
