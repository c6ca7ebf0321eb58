package io.pipewright.adapters.health;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.health.PrimaryLocator;
import org.springframework.stereotype.Component;

@Component
class PostgresPrimaryLocator implements PrimaryLocator {

    private final SourceAdmin admin;

    PostgresPrimaryLocator(SourceAdmin admin) {
        this.admin = admin;
    }

    @Override
    public SourceNode primary(PostgresEndpoint source) {
        PostgresNode primary = admin.primary(source);
        return new SourceNode(primary.host(), primary.port());
    }
}
