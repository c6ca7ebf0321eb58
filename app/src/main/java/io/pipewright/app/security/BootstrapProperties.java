package io.pipewright.app.security;

import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The first admin and their organization ({@code pipewright.bootstrap.*}), so a fresh control plane can be used at
 * all. {@code bin/pipewright up} generates them; a deployment sets them from its secrets.
 */
@Validated
@ConfigurationProperties("pipewright.bootstrap")
record BootstrapProperties(@jakarta.validation.constraints.NotBlank String adminUsername,
                           @jakarta.validation.constraints.NotBlank String adminPassword,
                           @jakarta.validation.constraints.NotNull UUID organizationId) {

    @Override
    public String toString() {
        return "BootstrapProperties[adminUsername=" + adminUsername + ", organizationId=" + organizationId + "]";
    }
}
