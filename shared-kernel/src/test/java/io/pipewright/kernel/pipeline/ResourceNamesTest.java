package io.pipewright.kernel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The names Pipewright gives what it creates: each leads back to its pipeline, and nothing foreign is taken for one. */
class ResourceNamesTest {

    private static final UUID ID = UUID.fromString("a1b2c3d4-0000-4111-8222-333344445555");

    @Test
    void aSourceResourceNameLeadsBackToItsPipeline() {
        String name = ResourceNames.sourceResource(ID);

        assertThat(name).isEqualTo("pipewright_a1b2c3d4000041118222333344445555").matches("pipewright_[0-9a-f]{32}");
        assertThat(ResourceNames.pipelineIdOfSourceResource(name)).hasValue(ID);
        for (int i = 0; i < 100; i++) {
            UUID any = UUID.randomUUID();
            assertThat(ResourceNames.pipelineIdOfSourceResource(ResourceNames.sourceResource(any))).hasValue(any);
        }
    }

    @Test
    void foreignSourceNamesNameNoPipeline() {
        for (String foreign : new String[] {null, "", "pipewright_", "pipewright_network_probe",
                "pipewright_standby_5433", "pipewright_A1B2C3D4000041118222333344445555",
                "pipewright_a1b2c3d400004111822233334444555", "pipewright_a1b2c3d40000411182223333444455556",
                "xpipewright_a1b2c3d4000041118222333344445555", "pipewright_a1b2c3d4000041118222333344445555 ",
                "pipewright_a1b2c3d4-0000-4111-8222-333344445555", "orders"}) {
            assertThat(ResourceNames.pipelineIdOfSourceResource(foreign)).as(String.valueOf(foreign)).isEmpty();
        }
        assertThat(ResourceNames.NETWORK_PROBE_USER).doesNotMatch(ResourceNames.SOURCE_RESOURCE_REGEX.substring(1,
                ResourceNames.SOURCE_RESOURCE_REGEX.length() - 1));
    }

    @Test
    void theConnectorIsNamedAfterTheFirstEightHexDigits() {
        assertThat(ResourceNames.shortId(ID)).isEqualTo("a1b2c3d4");
        assertThat(ResourceNames.connector(ID)).isEqualTo("mdb-pipeline-a1b2c3d4");
        assertThat(ResourceNames.shortIdOfConnector(ResourceNames.connector(ID))).hasValue("a1b2c3d4");
        assertThat(ResourceNames.inConnectorNamespace("mdb-pipeline-a1b2c3d4")).isTrue();
    }

    @Test
    void foreignConnectorNamesCarryNoShortId() {
        for (String foreign : new String[] {null, "mdb-pipeline-", "mdb-pipeline-A1B2C3D4", "mdb-pipeline-a1b2c3d",
                "mdb-pipeline-a1b2c3d45", "my-connector", "xmdb-pipeline-a1b2c3d4"}) {
            assertThat(ResourceNames.shortIdOfConnector(foreign)).as(String.valueOf(foreign)).isEmpty();
        }
        assertThat(ResourceNames.inConnectorNamespace("my-connector")).isFalse();
        assertThat(ResourceNames.inConnectorNamespace(null)).isFalse();
    }

    @Test
    void theHbaTagLeadsBackToItsPipeline() {
        String tag = ResourceNames.hbaTag(ID);

        assertThat(tag).isEqualTo("# pipewright:a1b2c3d4-0000-4111-8222-333344445555");
        assertThat(ResourceNames.pipelineIdOfHbaTag(tag)).hasValue(ID);
        assertThat(ResourceNames.pipelineIdOfHbaTag("# pipewright:ffff")).isEmpty();
        assertThat(ResourceNames.pipelineIdOfHbaTag("# someone:" + ID)).isEmpty();
        assertThat(ResourceNames.pipelineIdOfHbaTag(null)).isEmpty();
        assertThat(ResourceNames.HBA_TAG.matcher("host db r 10.0.0.1/32 scram-sha-256 " + tag + "\n").find())
                .isTrue();
    }

    @Test
    void theConnectorsFilesAreNamedAfterTheSourceResource() {
        assertThat(ResourceNames.secretFile(ID)).isEqualTo(ResourceNames.sourceResource(ID));
        assertThat(ResourceNames.caCertificateFile(ID)).isEqualTo(ResourceNames.sourceResource(ID) + ".ca.crt");
    }
}
