package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.Optional;

/** How connector plugins get onto a Kafka Connect worker. */
public enum PluginInstallation {
    /**
     * The worker's plugin.path is a directory the control plane can write; after extracting a plugin it creates
     * {@code .restart-requested} there and the worker's supervisor restarts it.
     */
    SHARED_DIRECTORY("shared_directory"),
    /** Plugins are baked into the worker; install_plugin only checks that the plugin is listed. */
    PREINSTALLED("preinstalled");

    private final String wireName;

    PluginInstallation(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<PluginInstallation> fromWireName(String value) {
        return Arrays.stream(values()).filter(mode -> mode.wireName.equals(value)).findFirst();
    }
}
