package io.pipewright.command.service;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HttpEndpoint;
import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.service.CaCertificates;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.RegisterManagedService;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /managed-services}: what the service is and how the control plane reaches it. Every host, URL
 * and host path in it is checked against the operator's {@link EndpointPolicy} and {@link HostPathPolicy}.
 */
record RegisterServiceRequest(String name, String databaseType, String version, String zone, String planName,
                              Integer storageSizeGb, String storageTier, List<String> addons, Postgresql postgresql,
                              Kafka kafka) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern BOOTSTRAP_SERVERS = Pattern.compile(
            "[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*");
    /** Hosts per service: PostgreSQL nodes, and Kafka bootstrap servers. */
    private static final int MAX_HOSTS = 16;
    private static final List<String> KNOWN_ADDONS = List.of(ServiceDescription.KAFKA_CONNECT_ADDON);

    record Postgresql(List<Host> hosts, String adminDatabase, String adminUser, String adminPassword,
                      String hbaManagement, String sslMode, String caCertificate) {

        @Override
        public String toString() {
            return "Postgresql[hosts=" + hosts + ", adminUser=" + adminUser + ", sslMode=" + sslMode + "]";
        }
    }

    record Host(String host, Integer port, String role) {
    }

    record Kafka(String bootstrapServers, KafkaConnect kafkaConnect, String securityProtocol, String saslMechanism,
                 String username, String password, String caCertificate) {

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", securityProtocol=" + securityProtocol + "]";
        }
    }

    record KafkaConnect(String url, String pluginInstallation, String pluginPath, String secretsDirectory,
                        String username, String password, String caCertificate) {

        @Override
        public String toString() {
            return "KafkaConnect[url=" + url + "]";
        }
    }

    /** The operator's rules a registration is checked against. */
    record Policies(PeeringRegions regions, EndpointPolicy endpoints, HostPathPolicy hostPaths) {
    }

    RegisterManagedService toCommand(UUID organizationId, UUID serviceId, Policies policies) {
        PeeringRegions regions = policies.regions();
        Violations violations = new Violations();
        if (violations.required("name", name)) {
            violations.matches("name", name, NAME,
                    "may contain only letters, digits, hyphens and underscores, at most 64 characters");
        }
        ServiceType type = null;
        if (violations.required("database_type", databaseType)) {
            type = ServiceType.fromWireName(databaseType).orElse(null);
            violations.check("database_type", type != null, "must be postgresql or kafka");
        }
        violations.matches("version", version, LABEL, "may contain only letters, digits, '.', '_' and '-'");
        if (violations.required("zone", zone)) {
            violations.check("zone", regions.regionOf(zone).isPresent(),
                    "must be a zone of a configured peering region: " + regions.zonesByRegion());
        }
        violations.matches("plan_name", planName, LABEL, "may contain only letters, digits, '.', '_' and '-'");
        violations.check("storage_size_gb", storageSizeGb == null || storageSizeGb > 0, "must be positive");
        violations.matches("storage_tier", storageTier, LABEL, "may contain only letters, digits, '.', '_' and '-'");
        List<String> addonList = addons == null ? List.of() : List.copyOf(addons);
        for (int i = 0; i < addonList.size(); i++) {
            violations.check("addons[" + i + "]", KNOWN_ADDONS.contains(addonList.get(i)),
                    "must be one of " + KNOWN_ADDONS);
        }
        PostgresEndpoint postgres = null;
        KafkaEndpoint kafkaEndpoint = null;
        if (type == ServiceType.POSTGRESQL) {
            violations.check("addons", addonList.isEmpty(), "a postgresql service has no addons");
            violations.check("kafka", kafka == null, "must be absent for a postgresql service");
            postgres = postgresEndpoint(violations, policies);
        } else if (type == ServiceType.KAFKA) {
            violations.check("postgresql", postgresql == null, "must be absent for a kafka service");
            kafkaEndpoint = kafkaEndpoint(violations, addonList.contains(ServiceDescription.KAFKA_CONNECT_ADDON),
                    policies);
        }
        violations.throwIfAny();
        ServiceDescription description = new ServiceDescription(name, type, version, zone, planName, storageSizeGb,
                storageTier, addonList.stream().distinct().toList());
        Secret password = postgres == null ? null : new Secret(postgresql.adminPassword());
        return new RegisterManagedService(serviceId, organizationId, description, postgres, password, kafkaEndpoint,
                secretOrNull(kafkaEndpoint == null ? null : kafka.password()),
                secretOrNull(kafkaEndpoint == null || kafka.kafkaConnect() == null ? null
                        : kafka.kafkaConnect().password()));
    }

    private static Secret secretOrNull(String value) {
        return value == null ? null : new Secret(value);
    }

    private PostgresEndpoint postgresEndpoint(Violations violations, Policies policies) {
        if (!violations.required("postgresql", postgresql)) {
            return null;
        }
        List<PostgresNode> nodes = new ArrayList<>();
        if (violations.required("postgresql.hosts", postgresql.hosts())
                && violations.check("postgresql.hosts", !postgresql.hosts().isEmpty(), "must list at least one host")
                && violations.check("postgresql.hosts", postgresql.hosts().size() <= MAX_HOSTS,
                "must list at most " + MAX_HOSTS + " hosts")) {
            for (int i = 0; i < postgresql.hosts().size(); i++) {
                node(violations, "postgresql.hosts[" + i + "]", postgresql.hosts().get(i), policies.endpoints())
                        .ifPresent(nodes::add);
            }
            violations.check("postgresql.hosts",
                    nodes.stream().filter(node -> node.role() == NodeRole.PRIMARY).count() == 1,
                    "must have exactly one host with role primary");
        }
        String adminDatabase = postgresql.adminDatabase() == null ? "postgres" : postgresql.adminDatabase();
        violations.matches("postgresql.admin_database", adminDatabase, ROLE_NAME, "must be a PostgreSQL identifier");
        if (violations.required("postgresql.admin_user", postgresql.adminUser())) {
            violations.matches("postgresql.admin_user", postgresql.adminUser(), ROLE_NAME,
                    "must be a PostgreSQL identifier");
        }
        if (violations.required("postgresql.admin_password", postgresql.adminPassword())) {
            violations.check("postgresql.admin_password", postgresql.adminPassword().length() <= 1024,
                    "must be at most 1024 characters");
        }
        String hbaText = postgresql.hbaManagement() == null ? HbaManagement.SUPERUSER_SQL.wireName()
                : postgresql.hbaManagement();
        HbaManagement hba = HbaManagement.fromWireName(hbaText).orElse(null);
        violations.check("postgresql.hba_management", hba != null, "must be file, superuser_sql or external");
        if (hba == HbaManagement.FILE) {
            policies.hostPaths().writingRefusal().ifPresent(reason -> violations.check("postgresql.hba_management", false,
                    "file " + reason));
        }
        SslMode sslMode = sslMode(violations);
        return new PostgresEndpoint(nodes, adminDatabase, postgresql.adminUser(), null, hba, sslMode,
                postgresql.caCertificate());
    }

    /**
     * {@code require} unless asked otherwise: what a managed-database platform's users expect of a source across a
     * network. A CA certificate goes with the verifying modes, and only with them: with {@code require} it would
     * suggest a check that does not happen.
     */
    private SslMode sslMode(Violations violations) {
        String text = postgresql.sslMode() == null ? SslMode.REQUIRE.wireName() : postgresql.sslMode();
        SslMode mode = SslMode.registrableFromWireName(text).orElse(null);
        violations.check("postgresql.ssl_mode", mode != null, "must be one of "
                + SslMode.registrable().stream().map(SslMode::wireName).toList());
        String ca = postgresql.caCertificate();
        if (mode != null && mode.verifiesCertificate()) {
            if (violations.check("postgresql.ca_certificate", ca != null && !ca.isBlank(),
                    "is required with ssl_mode " + mode.wireName())) {
                CaCertificates.refusal(ca).ifPresent(reason ->
                        violations.check("postgresql.ca_certificate", false, reason));
            }
        } else if (mode != null) {
            violations.check("postgresql.ca_certificate", ca == null,
                    "is only used with ssl_mode verify-ca or verify-full");
        }
        return mode;
    }

    private static Optional<PostgresNode> node(Violations violations, String field, Host host,
                                               EndpointPolicy endpoints) {
        if (!violations.required(field, host)) {
            return Optional.empty();
        }
        boolean valid = violations.required(field + ".host", host.host())
                && violations.matches(field + ".host", host.host(), HOST, "must be a host name or IPv4 address");
        valid &= violations.required(field + ".port", host.port())
                && violations.check(field + ".port", host.port() >= 1 && host.port() <= 65535,
                "must be between 1 and 65535");
        NodeRole role = "standby".equals(host.role()) ? NodeRole.STANDBY
                : host.role() == null || "primary".equals(host.role()) ? NodeRole.PRIMARY : null;
        valid &= violations.check(field + ".role", role != null, "must be primary or standby");
        if (valid) {
            endpoints.refusal(host.host(), host.port())
                    .ifPresent(reason -> violations.check(field + ".host", false, reason));
        }
        return valid ? Optional.of(new PostgresNode(host.host(), host.port(), role))
                : Optional.empty();
    }

    private KafkaEndpoint kafkaEndpoint(Violations violations, boolean hasConnectAddon, Policies policies) {
        if (!violations.required("kafka", kafka)) {
            return null;
        }
        if (violations.required("kafka.bootstrap_servers", kafka.bootstrapServers())
                && violations.matches("kafka.bootstrap_servers", kafka.bootstrapServers(), BOOTSTRAP_SERVERS,
                "must be host:port[,host:port...]")) {
            String[] servers = kafka.bootstrapServers().split(",");
            if (violations.check("kafka.bootstrap_servers", servers.length <= MAX_HOSTS,
                    "must list at most " + MAX_HOSTS + " servers")) {
                for (String server : servers) {
                    int colon = server.lastIndexOf(':');
                    policies.endpoints().refusal(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)))
                            .ifPresent(reason -> violations.check("kafka.bootstrap_servers", false,
                                    server + " " + reason));
                }
            }
        }
        KafkaSecurity security = KafkaAccessRules.security(violations, kafka);
        KafkaConnect connect = kafka.kafkaConnect();
        if (!hasConnectAddon) {
            violations.check("kafka.kafka_connect", connect == null, "needs the kafka-connect addon");
            return new KafkaEndpoint(kafka.bootstrapServers(), null, security);
        }
        if (!violations.required("kafka.kafka_connect", connect)) {
            return null;
        }
        HttpEndpoint url = null;
        if (violations.required("kafka.kafka_connect.url", connect.url())) {
            try {
                url = HttpEndpoint.parse(connect.url());
                policies.endpoints().refusal(url.host(), url.port())
                        .ifPresent(reason -> violations.check("kafka.kafka_connect.url", false, reason));
            } catch (IllegalArgumentException malformed) {
                violations.check("kafka.kafka_connect.url", false, malformed.getMessage());
            }
        }
        String installationText = connect.pluginInstallation() == null
                ? PluginInstallation.PREINSTALLED.wireName() : connect.pluginInstallation();
        PluginInstallation installation = PluginInstallation.fromWireName(installationText).orElse(null);
        violations.check("kafka.kafka_connect.plugin_installation", installation != null,
                "must be shared_directory or preinstalled");
        if (installation == PluginInstallation.SHARED_DIRECTORY) {
            if (violations.required("kafka.kafka_connect.plugin_path", connect.pluginPath())) {
                policies.hostPaths().refusal(connect.pluginPath()).ifPresent(reason ->
                        violations.check("kafka.kafka_connect.plugin_path", false, reason));
            }
        } else {
            violations.check("kafka.kafka_connect.plugin_path", connect.pluginPath() == null,
                    "is only used with shared_directory");
        }
        if (violations.required("kafka.kafka_connect.secrets_directory", connect.secretsDirectory())) {
            policies.hostPaths().refusal(connect.secretsDirectory()).ifPresent(reason ->
                    violations.check("kafka.kafka_connect.secrets_directory", false, reason));
        }
        KafkaAccessRules.connectCredentials(violations, connect);
        String connectCa = KafkaAccessRules.connectCertificate(violations, connect,
                url == null || "https".equals(url.scheme()));
        return new KafkaEndpoint(kafka.bootstrapServers(), new KafkaConnectEndpoint(
                url == null ? null : url.toString(), installation, connect.pluginPath(), connect.secretsDirectory(),
                connect.username(), null, connectCa), security);
    }

    @Override
    public String toString() {
        return "RegisterServiceRequest[name=" + name + ", databaseType=" + databaseType + "]";
    }
}
