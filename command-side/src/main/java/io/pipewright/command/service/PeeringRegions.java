package io.pipewright.command.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which zones can peer with each other. Configuration ({@code pipewright.peering-regions}), not code. */
public interface PeeringRegions {

    Optional<String> regionOf(String zone);

    Map<String, List<String>> zonesByRegion();
}
