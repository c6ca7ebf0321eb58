package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pipeline's pg_hba.conf line on every node of the source (any of them can become primary): it admits the
 * pipeline's role from the sink's Connect worker to the captured database, is tagged with the pipeline's id, and sits
 * above the catch-all lines, since the first matching line wins. A rewritten file is checked through
 * {@code pg_hba_file_rules} before the reload (a reload of an invalid file returns true and keeps the old rules), and
 * restored if PostgreSQL reports an error in it.
 */
@Component
class HbaEntry {

    static final String TAG = "# pipewright:";
    /** The advisory lock key under which pg_hba.conf is edited on a node ("pw_hba" in ASCII). */
    private static final long FILE_LOCK = 0x70775f686261L;
    /** A host line for every database and every user: whatever comes after it is never reached. */
    private static final Pattern TAGGED = Pattern.compile(
            "(?m)" + Pattern.quote(TAG) + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})[ \t]*$");
    private static final Pattern CATCH_ALL = Pattern.compile("(?m)^[ \t]*host\\S*[ \t]+all[ \t]+all[ \t]");

    private static final Logger LOG = LoggerFactory.getLogger(HbaEntry.class);

    private final SourceAdmin admin;

    HbaEntry(SourceAdmin admin) {
        this.admin = admin;
    }

    String converge(PipelineSpec pipeline, String role) throws SQLException, IOException {
        String line = desiredLine(pipeline, role);
        if (pipeline.source().postgres().hbaManagement() == HbaManagement.EXTERNAL) {
            return "external: " + line;
        }
        edit(pipeline.source().postgres(), content -> withEntry(content, tag(pipeline), line));
        return line;
    }

    /** Takes the pipeline's line out of every node's file; every other byte stays as it was. */
    void remove(PipelineSpec pipeline) throws SQLException, IOException {
        removeTagged(pipeline.source().postgres(), pipeline.pipelineId());
    }

    /** Takes the line tagged with {@code pipelineId} out of every node's file, whether or not the pipeline exists. */
    void removeTagged(PostgresEndpoint source, UUID pipelineId) throws SQLException, IOException {
        if (source.hbaManagement() != HbaManagement.EXTERNAL) {
            edit(source, content -> withoutEntry(content, TAG + pipelineId));
        }
    }

    /** The pipeline ids tagged in the node's file; none when the file is not Pipewright's to manage. */
    Set<UUID> taggedIds(PostgresEndpoint source, PostgresNode node) throws SQLException, IOException {
        if (source.hbaManagement() == HbaManagement.EXTERNAL) {
            return Set.of();
        }
        try (Connection connection = admin.connect(source, node, source.adminDatabase())) {
            Set<UUID> ids = new LinkedHashSet<>();
            Matcher tags = TAGGED.matcher(file(source, connection).read());
            while (tags.find()) {
                ids.add(UUID.fromString(tags.group(1)));
            }
            return ids;
        }
    }

    /**
     * Every node that answers; the primary must. A standby that is down keeps its file as it was: should it become
     * primary, re-pointing the connector converges this entry there.
     */
    private void edit(PostgresEndpoint source, UnaryOperator<String> change) throws SQLException, IOException {
        PostgresNode primary = admin.primary(source);
        for (PostgresNode node : source.nodes()) {
            Connection connection;
            try {
                connection = admin.connect(source, node, source.adminDatabase());
            } catch (SQLException unreachable) {
                if (node.equals(primary)) {
                    throw unreachable;
                }
                LOG.warn("pg_hba.conf of {}:{} left as it is: the node does not answer ({})", node.host(),
                        node.port(), unreachable.getSQLState());
                continue;
            }
            try (connection) {
                HbaFile file = file(source, connection);
                lockFile(connection);
                try {
                    String before = file.read();
                    String after = change.apply(before);
                    if (!after.equals(before)) {
                        file.write(after);
                        requireValid(connection, node, file, before);
                        reload(connection);
                    }
                } finally {
                    unlockFile(connection);
                }
            }
        }
    }

    private static HbaFile file(PostgresEndpoint source, Connection connection) throws SQLException {
        return source.hbaManagement() == HbaManagement.FILE ? new LocalHbaFile(connection) : new SqlHbaFile(connection);
    }

    /**
     * Pipelines of one source are provisioned in parallel, possibly by several control-plane nodes: without a lock on
     * the node itself two read-modify-write cycles interleave and one pipeline's line is lost.
     */
    private static void lockFile(Connection connection) throws SQLException {
        try (Statement lock = connection.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + FILE_LOCK + ")");
        }
    }

    private static void unlockFile(Connection connection) throws SQLException {
        try (Statement unlock = connection.createStatement()) {
            unlock.execute("SELECT pg_advisory_unlock(" + FILE_LOCK + ")");
        }
    }

    static String desiredLine(PipelineSpec pipeline, String role) {
        return "host " + pipeline.config().databaseName() + " " + role + " " + sinkAddress(pipeline)
                + " scram-sha-256 " + tag(pipeline);
    }

    static String tag(PipelineSpec pipeline) {
        return TAG + pipeline.pipelineId();
    }

    /**
     * The pipeline's line, once, above the first catch-all line (or last); every other byte stays as it was, so
     * {@link #withoutEntry} gives back the file as it was before.
     */
    static String withEntry(String content, String tag, String line) {
        String rest = withoutEntry(content, tag);
        Matcher catchAll = CATCH_ALL.matcher(rest);
        if (catchAll.find()) {
            return rest.substring(0, catchAll.start()) + line + "\n" + rest.substring(catchAll.start());
        }
        return rest + (rest.isEmpty() || rest.endsWith("\n") ? "" : "\n") + line + "\n";
    }

    static String withoutEntry(String content, String tag) {
        return Pattern.compile("(?m)^[^\n]*" + Pattern.quote(tag) + "[ \t]*(\r?\n|$)").matcher(content)
                .replaceAll("");
    }

    /** The address PostgreSQL sees the Connect worker connect from: its REST host, resolved. */
    private static String sinkAddress(PipelineSpec pipeline) {
        try {
            InetAddress address = InetAddress.getByName(URI.create(pipeline.sink().kafka().connect().url()).getHost());
            return address.getHostAddress() + (address instanceof Inet6Address ? "/128" : "/32");
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve the Kafka Connect host: " + e.getMessage(), e);
        }
    }

    private static void requireValid(Connection connection, PostgresNode node, HbaFile file, String previous)
            throws SQLException, IOException {
        List<String> errors = new ArrayList<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery(
                     "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL")) {
            while (rows.next()) {
                errors.add("line " + rows.getInt(1) + ": " + rows.getString(2));
            }
        }
        if (!errors.isEmpty()) {
            file.write(previous);
            throw new StepFailed("pg_hba.conf on " + node.host() + ":" + node.port()
                    + " would not load with the pipeline's entry (" + String.join("; ", errors)
                    + "); the file was restored");
        }
    }

    private static void reload(Connection connection) throws SQLException {
        try (Statement reload = connection.createStatement()) {
            reload.execute("SELECT pg_reload_conf()");
        }
    }

    private interface HbaFile {
        String read() throws SQLException, IOException;

        void write(String content) throws SQLException, IOException;
    }

    /** The file named by {@code hba_file}, written directly: the control plane runs on the node's host. */
    private static final class LocalHbaFile implements HbaFile {

        private final Path path;

        LocalHbaFile(Connection connection) throws SQLException {
            try (Statement query = connection.createStatement();
                 ResultSet rows = query.executeQuery("SHOW hba_file")) {
                rows.next();
                path = Path.of(rows.getString(1));
            }
        }

        @Override
        public String read() throws IOException {
            return Files.readString(path);
        }

        @Override
        public void write(String content) throws IOException {
            Path staged = path.resolveSibling(path.getFileName() + ".pipewright");
            Files.writeString(staged, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(staged, Files.getPosixFilePermissions(path));
            Files.move(staged, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Through SQL as a superuser: read with pg_read_file, written with lo_export of a large object (COPY TO would
     * escape the tabs). Needs a node that accepts writes.
     */
    private static final class SqlHbaFile implements HbaFile {

        private final Connection connection;

        SqlHbaFile(Connection connection) {
            this.connection = connection;
        }

        @Override
        public String read() throws SQLException {
            try (Statement query = connection.createStatement();
                 ResultSet rows = query.executeQuery("SELECT pg_read_file(current_setting('hba_file'))")) {
                rows.next();
                return rows.getString(1);
            }
        }

        /** Three statements in one transaction: a large object is not visible to the command that creates it. */
        @Override
        public void write(String content) throws SQLException {
            connection.setAutoCommit(false);
            try {
                long largeObject;
                try (PreparedStatement create = connection.prepareStatement(
                        "SELECT lo_from_bytea(0, convert_to(?, 'UTF8'))")) {
                    create.setString(1, content);
                    try (ResultSet rows = create.executeQuery()) {
                        rows.next();
                        largeObject = rows.getLong(1);
                    }
                }
                for (String use : List.of("SELECT lo_export(?, current_setting('hba_file'))", "SELECT lo_unlink(?)")) {
                    try (PreparedStatement statement = connection.prepareStatement(use)) {
                        statement.setLong(1, largeObject);
                        statement.executeQuery().close();
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
