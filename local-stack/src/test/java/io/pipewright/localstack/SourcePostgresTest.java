package io.pipewright.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The stack's source PostgreSQL: version, logical decoding, sample data, pg_hba, TLS. */
@ExtendWith(LocalStackExtension.class)
class SourcePostgresTest {

    @Test
    void runsPostgresql17WithLogicalDecoding(LocalStack stack) throws SQLException {
        PostgresServer source = stack.source();

        assertThat(source.majorVersion()).isEqualTo(17);
        assertThat(query(source, "postgres", "SHOW server_version_num")).singleElement()
                .satisfies(version -> assertThat(Integer.parseInt(version)).isBetween(170000, 179999));
        assertThat(query(source, "postgres", "SHOW wal_level")).containsExactly("logical");
    }

    @Test
    void createsAndDropsALogicalSlotWithPgoutput(LocalStack stack) throws SQLException {
        PostgresServer source = stack.source();
        String slot = "source_test_pgoutput_slot";

        source.execute(LocalStack.SOURCE_DATABASE,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        assertThat(query(source, "postgres",
                "SELECT plugin || '/' || slot_type || '/' || database FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .containsExactly("pgoutput/logical/" + LocalStack.SOURCE_DATABASE);

        source.execute("postgres", "SELECT pg_drop_replication_slot('" + slot + "')");
        assertThat(query(source, "postgres", "SELECT slot_name FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .isEmpty();
    }

    @Test
    void holdsTheSampleTablesWithRows(LocalStack stack) throws SQLException {
        PostgresServer source = stack.source();

        assertThat(query(source, LocalStack.SOURCE_DATABASE,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"))
                .containsExactly("customers", "orders");
        assertThat(Integer.parseInt(query(source, LocalStack.SOURCE_DATABASE, "SELECT count(*) FROM public.customers").get(0)))
                .isPositive();
        assertThat(Integer.parseInt(query(source, LocalStack.SOURCE_DATABASE, "SELECT count(*) FROM public.orders").get(0)))
                .isPositive();
    }

    @Test
    void rejectsAnUnknownRoleOverTcpThroughTheCatchAllLine(LocalStack stack) {
        PostgresServer source = stack.source();
        source.execute("postgres", "CREATE ROLE hba_stranger LOGIN PASSWORD 'stranger-password'");
        try {
            assertThatThrownBy(() -> connectAs(source, "hba_stranger", "stranger-password").close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("pg_hba.conf rejects connection")
                    .hasMessageContaining("hba_stranger");
        } finally {
            source.execute("postgres", "DROP ROLE hba_stranger");
        }
    }

    @Test
    void admitsOnlyPasswordsOverTcpOnTheControlPlaneDatabase(LocalStack stack) throws SQLException {
        PostgresServer controlPlane = stack.controlPlaneDatabase();
        controlPlane.execute("postgres", "CREATE ROLE control_plane_test LOGIN PASSWORD 'right-password'");
        try {
            try (Connection connection = connectAs(controlPlane, "control_plane_test", "right-password")) {
                assertThat(connection.isValid(2)).isTrue();
            }
            assertThatThrownBy(() -> connectAs(controlPlane, "control_plane_test", "wrong-password").close())
                    .hasMessageContaining("password authentication failed");
        } finally {
            controlPlane.execute("postgres", "DROP ROLE control_plane_test");
        }
    }

    @Test
    void servesTlsThatAClientVerifyingTheHostNameAcceptsWithTheSourcesAuthority(LocalStack stack) throws SQLException {
        PostgresServer source = stack.source();

        try (Connection connection = connectVerifyingFull(source, source.caCertificateFile());
             Statement statement = connection.createStatement();
             ResultSet ssl = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(ssl.next()).isTrue();
            assertThat(ssl.getBoolean(1)).isTrue();
        }
        assertThat(source.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(source.dataDirectory().resolve("server.key"))
                .satisfies(key -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                        .isEqualTo("rw-------"));
    }

    @Test
    void aClientTrustingAnotherAuthorityIsRefusedTheConnection(LocalStack stack, @TempDir Path temporary)
            throws IOException {
        Path otherAuthority = Files.writeString(temporary.resolve("other-ca.crt"),
                LocalCertificateAuthority.generate("another authority").certificatePem());

        assertThatThrownBy(() -> connectVerifyingFull(stack.source(), otherAuthority).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("SSL error");
    }

    @Test
    void theControlPlaneDatabaseServesNoTls(LocalStack stack) throws SQLException {
        assertThat(query(stack.controlPlaneDatabase(), "postgres", "SHOW ssl")).containsExactly("off");
    }

    @Test
    void knowsThePidOfThePostmaster(LocalStack stack) throws Exception {
        for (PostgresServer server : List.of(stack.controlPlaneDatabase(), stack.source())) {
            String pidFileFirstLine = Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0);

            assertThat(server.pid()).isEqualTo(Long.parseLong(pidFileFirstLine.trim()));
            assertThat(ProcessHandle.of(server.pid())).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());
        }
    }

    private static Connection connectAs(PostgresServer server, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(server.jdbcUrl("postgres"), properties);
    }

    private static Connection connectVerifyingFull(PostgresServer server, Path rootCertificate) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.superuser());
        properties.setProperty("password", server.superuserPassword());
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", rootCertificate.toString());
        return DriverManager.getConnection(server.jdbcUrl("postgres"), properties);
    }

    static List<String> query(PostgresServer server, String database, String sql) throws SQLException {
        try (Connection connection = server.connect(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getString(1));
            }
            return values;
        }
    }
}
