package io.pipewright.app.policy;

import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.HostPathPolicy;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The operator's rules for what tenants may point the control plane at, from {@code pipewright.endpoints.*} and
 * {@code pipewright.host-paths.*} (see application.yml). The rules themselves live in
 * {@code io.pipewright.kernel.policy}, where the registration and every adapter that connects or writes use them.
 * Settings left out are the safe defaults: loopback, link-local and unspecified addresses denied; no host paths.
 */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    @Bean
    EndpointPolicy endpointPolicy(Environment environment) {
        Binder binder = Binder.get(environment);
        List<String> allowed = binder.bind("pipewright.endpoints.allowed", Bindable.listOf(String.class))
                .orElse(List.of());
        List<String> denied = binder.bind("pipewright.endpoints.denied", Bindable.listOf(String.class))
                .orElse(EndpointPolicy.DEFAULT_DENIED);
        return new EndpointPolicy(allowed, denied,
                EndpointPolicy.endpointsOfJdbcUrl(environment.getProperty("spring.datasource.url")));
    }

    @Bean
    HostPathPolicy hostPathPolicy(Environment environment) {
        return new HostPathPolicy(Binder.get(environment)
                .bind("pipewright.host-paths.allowed-roots", Bindable.listOf(String.class)).orElse(List.of()));
    }
}
