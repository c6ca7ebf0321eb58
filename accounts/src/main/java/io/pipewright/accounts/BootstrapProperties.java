package io.pipewright.accounts;

import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The first admin and their organization ({@code pipewright.bootstrap.*}), so a fresh control plane can be used at
 * all. {@code bin/pipewright up} generates them; a deployment sets them from its secrets.
 */
@ConfigurationProperties("pipewright.bootstrap")
record BootstrapProperties(String adminUsername, String adminPassword, UUID organizationId, String organizationName) {

    BootstrapProperties {
        if (adminUsername == null || adminUsername.isBlank() || adminPassword == null || adminPassword.isBlank()
                || organizationId == null) {
            throw new IllegalStateException("pipewright.bootstrap.admin-username, admin-password and organization-id "
                    + "(env PIPEWRIGHT_BOOTSTRAP_ADMIN_USERNAME, _ADMIN_PASSWORD, _ORGANIZATION_ID) must be set");
        }
        if (!Passwords.fitsBcrypt(adminPassword)) {
            throw new IllegalStateException("pipewright.bootstrap.admin-password must be at most "
                    + Passwords.BCRYPT_MAX_BYTES + " bytes in UTF-8");
        }
        if (organizationName == null || organizationName.isBlank()) {
            organizationName = "default";
        }
    }

    @Override
    public String toString() {
        return "BootstrapProperties[adminUsername=" + adminUsername + ", organizationId=" + organizationId
                + ", organizationName=" + organizationName + "]";
    }
}
