package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The pipeline's pg_hba.conf line on every node of the source (any of them can become primary): it admits the
 * pipeline's role from the sink's Connect worker to the captured database, is tagged with the pipeline's id, and sits
 * above the catch-all lines, since the first matching line wins. A rewritten file is checked through
 * {@code pg_hba_file_rules} before the reload (a reload of an invalid file returns true and keeps the old rules), and
 * restored if PostgreSQL reports an error in it; a file that was already invalid is left as it is and reported.
 *
 * <p>Each node's file is edited in one transaction that holds a transaction-level advisory lock, waited for at most
 * {@code pipewright.hba.lock-timeout}: the lock ends with the transaction, whatever happens to the session. In
 * {@code file} mode the file is the real path of the node's {@code hba_file}, which must be under an allowed host root
 * ({@link HostPathPolicy}), rewritten in place so that its owner, group, mode and ACL stay. In {@code superuser_sql}
 * mode it is written with {@code COPY ... TO}, which a hot standby runs too. The line is tagged
 * {@code # pipewright:<id>} ({@link ResourceNames#hbaTag}).
 */
@Component
class HbaEntry implements PipelineResource<String> {

    /** The advisory lock key under which pg_hba.conf is edited on a node ("pw_hba" in ASCII). */
    private static final long FILE_LOCK = 0x70775f686261L;
    /** A host line for every database and every user: whatever comes after it is never reached. */
    private static final Pattern CATCH_ALL = Pattern.compile("(?m)^[ \t]*host\\S*[ \t]+all[ \t]+all[ \t]");
    /** Database and role names pg_hba.conf reads as keywords unless quoted. */
    private static final Set<String> KEYWORDS = Set.of("all", "sameuser", "samerole", "samegroup", "replication");
    /** What pg_hba.conf reads as a plain name; anything else is quoted. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.-]*");
    /** SQLSTATE of a lock not granted within lock_timeout. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Logger LOG = LoggerFactory.getLogger(HbaEntry.class);

    private final SourceAdmin admin;
    private final HostPathPolicy hostPaths;
    private final Duration lockTimeout;

    HbaEntry(SourceAdmin admin, HostPathPolicy hostPaths,
             @Value("${pipewright.hba.lock-timeout:PT30S}") Duration lockTimeout) {
        this.admin = admin;
        this.hostPaths = hostPaths;
        this.lockTimeout = lockTimeout;
    }

    @Override
    public String kind() {
        return TaggedResource.HBA_ENTRY;
    }

    /** The line that admits the pipeline's role from the sink's worker to the captured database. */
    @Override
    public String desired(PipelineSpec pipeline) {
        return desiredLine(pipeline, pipeline.sourceResourceName());
    }

    /**
     * The pipeline's line in the primary's file (where the connector connects); empty when there is none, or when
     * the file is managed outside Pipewright, which then neither reads nor writes it.
     */
    @Override
    public Optional<String> observe(PipelineSpec pipeline) {
        PostgresEndpoint source = pipeline.source().postgres();
        if (source.hbaManagement() == HbaManagement.EXTERNAL) {
            return Optional.empty();
        }
        PostgresNode primary = admin.primary(source);
        String tag = tag(pipeline);
        try (Connection connection = admin.connect(source, primary, source.adminDatabase())) {
            return file(source, connection, primary).read().lines()
                    .filter(line -> line.stripTrailing().endsWith(tag)).findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_hba.conf failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading pg_hba.conf failed: " + e.getMessage(), e);
        }
    }

    /** The line, or for a file managed outside Pipewright what it should hold ({@code external: <line>}). */
    @Override
    public String converge(PipelineSpec pipeline) {
        String line = desired(pipeline);
        if (pipeline.source().postgres().hbaManagement() == HbaManagement.EXTERNAL) {
            return "external: " + line;
        }
        try {
            edit(pipeline.source().postgres(), content -> withEntry(content, tag(pipeline), line));
        } catch (SQLException e) {
            throw new IllegalStateException("preparing the source failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pg_hba.conf failed: " + e.getMessage(), e);
        }
        return line;
    }

    /** Takes the pipeline's line out of every node's file; every other byte stays as it was. */
    @Override
    public void remove(PipelineSpec pipeline) {
        removeTagged(pipeline.source().postgres(), pipeline.pipelineId());
    }

    /** The tagged lines of every node that answers; one that does not is left for the next sweep. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        PostgresEndpoint source = service.postgres();
        if (source == null) {
            return List.of();
        }
        List<TaggedResource> found = new ArrayList<>();
        for (PostgresNode node : source.nodes()) {
            try {
                for (UUID pipelineId : taggedIds(source, node)) {
                    found.add(new TaggedResource(TaggedResource.HBA_ENTRY, ResourceNames.hbaTag(pipelineId),
                            SourceCatalog.nodeName(node), null, pipelineId));
                }
            } catch (SQLException | IOException unreadable) {
                LOG.warn("pg_hba.conf of {} not swept: {}", SourceCatalog.nodeName(node), unreadable.getMessage());
            }
        }
        return found;
    }

    @Override
    public void removeTagged(ServiceRecord service, TaggedResource resource) {
        removeTagged(service.postgres(), resource.pipelineId());
    }

    /** Takes the line tagged with {@code pipelineId} out of every node's file, whether or not the pipeline exists. */
    private void removeTagged(PostgresEndpoint source, UUID pipelineId) {
        if (source.hbaManagement() == HbaManagement.EXTERNAL) {
            return;
        }
        try {
            edit(source, content -> withoutEntry(content, ResourceNames.hbaTag(pipelineId)));
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning the source failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pg_hba.conf failed: " + e.getMessage(), e);
        }
    }

    /** The pipeline ids tagged in the node's file; none when the file is not Pipewright's to manage. */
    private Set<UUID> taggedIds(PostgresEndpoint source, PostgresNode node) throws SQLException, IOException {
        if (source.hbaManagement() == HbaManagement.EXTERNAL) {
            return Set.of();
        }
        try (Connection connection = admin.connect(source, node, source.adminDatabase())) {
            Set<UUID> ids = new LinkedHashSet<>();
            Matcher tags = ResourceNames.HBA_TAG.matcher(file(source, connection, node).read());
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
                editLocked(connection, file(source, connection, node), node, change);
            }
        }
    }

    /**
     * One transaction: the lock, the read, the check of the file as found, the write, the check of the result and the
     * reload.
     */
    private void editLocked(Connection connection, HbaFile file, PostgresNode node, UnaryOperator<String> change)
            throws SQLException, IOException {
        connection.setAutoCommit(false);
        try {
            lockFile(connection, node);
            String before = file.read();
            String after = change.apply(before);
            if (!after.equals(before)) {
                List<String> errorsBefore = errors(connection);
                if (!errorsBefore.isEmpty()) {
                    throw new StepFailed("pg_hba.conf on " + node.host() + ":" + node.port() + " was invalid before "
                            + "Pipewright's edit (" + String.join("; ", errorsBefore) + "); Pipewright left it as it "
                            + "is: fix the file, then retry");
                }
                file.write(after);
                requireValid(connection, node, file, before);
                reload(connection);
            }
            connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private HbaFile file(PostgresEndpoint source, Connection connection, PostgresNode node) throws SQLException {
        if (source.hbaManagement() != HbaManagement.FILE) {
            return new SqlHbaFile(connection);
        }
        String configured = setting(connection, "hba_file");
        try {
            return new LocalHbaFile(hostPaths.existingFile(configured));
        } catch (HostPathRefused refused) {
            throw new StepFailed("pg_hba.conf of " + node.host() + ":" + node.port() + " cannot be edited in file "
                    + "mode: " + refused.getMessage());
        } catch (IOException e) {
            throw new StepFailed("pg_hba.conf of " + node.host() + ":" + node.port() + " (" + configured
                    + ") cannot be read on the control plane's host: " + e.getMessage());
        }
    }

    /**
     * Pipelines of one source are provisioned in parallel, possibly by several control-plane nodes: without a lock on
     * the node itself two read-modify-write cycles interleave and one pipeline's line is lost. Waits at most the lock
     * timeout, so a session that hangs while holding the lock cannot stall every other edit.
     */
    private void lockFile(Connection connection, PostgresNode node) throws SQLException {
        try (Statement lock = connection.createStatement()) {
            lock.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            lock.execute("SELECT pg_advisory_xact_lock(" + FILE_LOCK + ")");
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new IllegalStateException("pg_hba.conf on " + node.host() + ":" + node.port() + " is being "
                        + "edited by another session that did not finish within " + lockTimeout.toSeconds() + " s");
            }
            throw e;
        }
    }

    static String desiredLine(PipelineSpec pipeline, String role) {
        return "host " + hbaName(pipeline.config().databaseName()) + " " + hbaName(role) + " "
                + sinkAddress(pipeline) + " scram-sha-256 " + tag(pipeline);
    }

    /**
     * A database or role name as pg_hba.conf must read it: quoted when it is a keyword ({@code all},
     * {@code replication}, ...) or more than a plain name, so that it names only itself.
     */
    static String hbaName(String name) {
        if (name.indexOf('"') >= 0 || name.chars().anyMatch(Character::isISOControl)) {
            throw new StepFailed("the name " + name + " cannot be written into pg_hba.conf: it holds a double quote "
                    + "or a control character");
        }
        boolean plain = PLAIN_NAME.matcher(name).matches() && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT));
        return plain ? name : '"' + name + '"';
    }

    static String tag(PipelineSpec pipeline) {
        return ResourceNames.hbaTag(pipeline.pipelineId());
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

    /** The errors PostgreSQL finds in the file on disk, by line. */
    private static List<String> errors(Connection connection) throws SQLException {
        List<String> errors = new ArrayList<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery(
                     "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL")) {
            while (rows.next()) {
                errors.add("line " + rows.getInt(1) + ": " + rows.getString(2));
            }
        }
        return errors;
    }

    private static void requireValid(Connection connection, PostgresNode node, HbaFile file, String previous)
            throws SQLException, IOException {
        List<String> errors = errors(connection);
        if (!errors.isEmpty()) {
            file.write(previous);
            throw new StepFailed("pg_hba.conf on " + node.host() + ":" + node.port()
                    + " would not load with the pipeline's entry (" + String.join("; ", errors)
                    + "); the file was restored");
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT current_setting(?)")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
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

    /**
     * The file named by {@code hba_file}, at its real path (a symlinked file is edited at its target; the link stays),
     * rewritten in place: the same inode, so its owner, group, mode and ACL stay as they were.
     */
    private static final class LocalHbaFile implements HbaFile {

        private final Path path;

        LocalHbaFile(Path realPath) {
            path = realPath;
        }

        @Override
        public String read() throws IOException {
            return Files.readString(path);
        }

        @Override
        public void write(String content) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                while (bytes.hasRemaining()) {
                    file.write(bytes, bytes.position());
                }
                file.truncate(bytes.limit());
                file.force(true);
            }
        }
    }

    /**
     * Through SQL as a superuser: read with pg_read_file, written with {@code COPY (SELECT lines) TO hba_file}. COPY to
     * a file only reads the database, so a hot standby runs it too (a large object could be written on the primary
     * only). In CSV format with a delimiter and a quote character that never occur in the file, and empty lines sent
     * as NULL (written as nothing), each line is written byte for byte, tabs included.
     */
    private static final class SqlHbaFile implements HbaFile {

        private static final char DELIMITER = '\u0001';
        private static final char QUOTE = '\u0002';

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

        @Override
        public void write(String content) throws SQLException {
            if (content.indexOf('\r') >= 0 || content.indexOf(DELIMITER) >= 0 || content.indexOf(QUOTE) >= 0) {
                throw new StepFailed("pg_hba.conf holds carriage returns or control characters that cannot be "
                        + "written back byte for byte through SQL; use hba_management file or external");
            }
            String lastLineOpen = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            try (PreparedStatement stage = connection.prepareStatement(
                    "SELECT set_config('pipewright.hba_content', ?, true)")) {
                stage.setString(1, lastLineOpen);
                stage.executeQuery().close();
            }
            String lines = content.isEmpty() ? "SELECT NULL::text WHERE false"
                    : "SELECT nullif(line, '') FROM regexp_split_to_table(current_setting('pipewright.hba_content'), "
                    + "E'\\n') WITH ORDINALITY AS l(line, n) ORDER BY n";
            try (Statement copy = connection.createStatement()) {
                copy.execute("COPY (" + lines + ") TO " + literal(setting(connection, "hba_file"))
                        + " WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'UTF8')");
            }
        }

        /** COPY takes its file name as a literal only, never as a parameter. */
        private static String literal(String text) {
            return "'" + text.replace("'", "''") + "'";
        }
    }
}
