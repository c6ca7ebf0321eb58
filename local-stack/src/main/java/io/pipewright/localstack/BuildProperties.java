package io.pipewright.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/** What the build of this module wrote into {@value #RESOURCE}: paths of jars and archives on the building machine. */
record BuildProperties(String childJvmClasspath, Path debeziumPostgresPluginArchive, String postgresBinariesVersion) {

    static final String RESOURCE = "/local-stack.properties";

    static BuildProperties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildProperties.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build the local-stack module with Maven");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildProperties(
                required(properties, "child-jvm.classpath"),
                Path.of(required(properties, "debezium.postgres.plugin.archive")),
                required(properties, "postgres.binaries.version"));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new IllegalStateException(key + " in " + RESOURCE + " was not filled in by the build");
        }
        return value;
    }
}
