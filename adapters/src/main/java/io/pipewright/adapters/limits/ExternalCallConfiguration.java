package io.pipewright.adapters.limits;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@link ExternalCallLimits} from {@code pipewright.external.*} for the adapters that call endpoints. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExternalCallLimits.class)
class ExternalCallConfiguration {
}
