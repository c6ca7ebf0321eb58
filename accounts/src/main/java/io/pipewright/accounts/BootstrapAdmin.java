package io.pipewright.accounts;

import io.pipewright.kernel.access.Caller;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The configured admin and organization exist at every start: the organization and the membership are created if
 * missing, and the admin's password follows the configuration (a changed setting rotates it).
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final BootstrapProperties bootstrap;
    private final Users users;
    private final PasswordEncoder encoder;

    BootstrapAdmin(BootstrapProperties bootstrap, Users users, PasswordEncoder encoder) {
        this.bootstrap = bootstrap;
        this.users = users;
        this.encoder = encoder;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        users.createOrganization(bootstrap.organizationId(), bootstrap.organizationName());
        boolean current = users.passwordHash(bootstrap.adminUsername())
                .filter(hash -> encoder.matches(bootstrap.adminPassword(), hash)).isPresent();
        if (!current) {
            users.saveUser(bootstrap.adminUsername(), encoder.encode(bootstrap.adminPassword()), true);
            LOG.info("Bootstrap admin {} set from the configuration", bootstrap.adminUsername());
        }
        if (users.memberships(bootstrap.adminUsername()).stream()
                .noneMatch(membership -> membership.organizationId().equals(bootstrap.organizationId()))) {
            users.saveMembership(bootstrap.adminUsername(), bootstrap.organizationId(), Set.of(Caller.SERVICE_CREATE));
        }
    }
}
