package io.pipewright.command.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code pipewright.peering-regions.<region>: [zones]}; the defaults in application.yml follow the reference. */
@ConfigurationProperties("pipewright")
record ConfiguredPeeringRegions(Map<String, List<String>> peeringRegions) implements PeeringRegions {

    ConfiguredPeeringRegions {
        peeringRegions = peeringRegions == null ? Map.of() : Map.copyOf(peeringRegions);
    }

    @Override
    public Optional<String> regionOf(String zone) {
        return peeringRegions.entrySet().stream()
                .filter(region -> region.getValue().contains(zone))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    @Override
    public Map<String, List<String>> zonesByRegion() {
        return peeringRegions;
    }
}
