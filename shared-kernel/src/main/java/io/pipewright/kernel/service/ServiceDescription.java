package io.pipewright.kernel.service;

import java.util.List;

/** What a user says about a service besides how to reach it; plan and storage are informational. */
public record ServiceDescription(String name, ServiceType databaseType, String version, String zone, String planName,
                                 Integer storageSizeGb, String storageTier, List<String> addons) {

    public static final String KAFKA_CONNECT_ADDON = "kafka-connect";

    public ServiceDescription {
        addons = List.copyOf(addons);
    }

    public boolean hasAddon(String addon) {
        return addons.contains(addon);
    }
}
