package io.pipewright.command.service;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConfiguredPeeringRegions.class)
class ServiceConfiguration {
}
