package io.pipewright.app.recovery;

import io.pipewright.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Inserts rows numbered 1, 2, 3 ... one per transaction, without pause, into whichever node is the primary, as an
 * application with a failover-aware connection string would. A number counts as committed only once its commit was
 * acknowledged; an unacknowledged one is written again (ON CONFLICT DO NOTHING) until it is.
 */
final class NumberedRowWriter implements AutoCloseable {

    private final List<PostgresServer> nodes;
    private final String database;
    private final String table;
    private final Set<Long> committed = new ConcurrentSkipListSet<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;
    private volatile PostgresServer writingTo;

    /** Writes to {@code table (n bigint PRIMARY KEY)} in {@code database}. */
    NumberedRowWriter(List<PostgresServer> nodes, String database, String table) {
        this.nodes = nodes;
        this.database = database;
        this.table = table;
        this.thread = new Thread(this::write, "numbered-row-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Set<Long> committed() {
        return Set.copyOf(committed);
    }

    int committedCount() {
        return committed.size();
    }

    PostgresServer writingTo() {
        return writingTo;
    }

    private void write() {
        long next = 1;
        Connection connection = null;
        while (!stopped.get()) {
            try {
                if (connection == null) {
                    connection = connectToPrimary();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                        + " (n) VALUES (?) ON CONFLICT (n) DO NOTHING")) {
                    insert.setLong(1, next);
                    insert.executeUpdate();
                }
                committed.add(next++);
                // Pacing, not waiting for anything: about 100 rows a second keeps the drill's Kafka reads short.
                Thread.sleep(10);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                connection = null;
                // A reconnect backoff while no node is primary yet; the loop then asks every node again.
                pause(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        closeQuietly(connection);
    }

    private Connection connectToPrimary() throws SQLException {
        for (PostgresServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            Properties properties = new Properties();
            properties.setProperty("user", node.superuser());
            properties.setProperty("password", node.superuserPassword());
            properties.setProperty("connectTimeout", "2");
            // A commit waiting for a synchronous standby that is gone is not acknowledged: give up on it.
            properties.setProperty("socketTimeout", "5");
            Connection connection = DriverManager.getConnection(node.jdbcUrl(database), properties);
            try (Statement statement = connection.createStatement();
                 ResultSet recovery = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                recovery.next();
                if (!recovery.getBoolean(1)) {
                    writingTo = node;
                    return connection;
                }
            }
            connection.close();
        }
        throw new SQLException("no primary among " + nodes);
    }

    @Override
    public void close() throws InterruptedException {
        stopped.set(true);
        thread.join(30_000);
    }

    private static void closeQuietly(Connection connection) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the node is gone; nothing to release
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
