package io.pipewright.localstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The Debezium PostgreSQL connector plugin archive (tar.gz from Maven Central) that the build of this module fetched. */
public final class DebeziumPostgresPlugin {

    public static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";

    private static final String DIRECTORY_IN_ARCHIVE = "debezium-connector-postgres";

    private DebeziumPostgresPlugin() {
    }

    public static Path archive() {
        Path archive = BuildProperties.load().debeziumPostgresPluginArchive();
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the Debezium plugin archive is gone from " + archive
                    + ": rebuild the local-stack module to fetch it again");
        }
        return archive;
    }

    /** Unpacks the archive into a Connect plugin.path; returns the plugin's own directory in it. */
    public static Path extractInto(Path pluginPath) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive())))) {
            TarArchives.extract(in, pluginPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Debezium plugin into " + pluginPath, e);
        }
        return pluginPath.resolve(DIRECTORY_IN_ARCHIVE);
    }
}
