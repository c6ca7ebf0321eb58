package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.springframework.stereotype.Component;

/** prepare_source: the replication role with its grants, then the pg_hba entry that admits it. */
@Component
class PrepareSourceStep implements ProvisioningStep {

    private final ReplicationRole role;
    private final HbaEntry hba;

    PrepareSourceStep(ReplicationRole role, HbaEntry hba) {
        this.role = role;
        this.hba = hba;
    }

    @Override
    public ProvisionStep step() {
        return ProvisionStep.PREPARE_SOURCE;
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        try {
            String roleName = role.converge(pipeline);
            hba.converge(pipeline, roleName);
            return roleName;
        } catch (SQLException e) {
            throw new IllegalStateException("preparing the source failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pg_hba.conf failed: " + e.getMessage(), e);
        }
    }

    /** The entry first, so the role can no longer connect, then the role. */
    @Override
    public void remove(PipelineSpec pipeline) {
        try {
            hba.remove(pipeline);
            role.remove(pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning the source failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pg_hba.conf failed: " + e.getMessage(), e);
        }
    }
}
