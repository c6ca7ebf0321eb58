package io.pipewright.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the broker and Connect JVMs: the Java running this code, the classpath the build wrote down. */
record ChildJvm(Path javaExecutable, String classpath, Path log4jConfiguration) {

    private static final String LOG4J_RESOURCE = "child-log4j2.xml";

    static ChildJvm prepare(Path workDirectory) {
        Path log4jConfiguration = workDirectory.resolve("log4j2-child.xml");
        try (InputStream in = ChildJvm.class.getResourceAsStream(LOG4J_RESOURCE)) {
            Files.copy(in, log4jConfiguration, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ChildJvm(Path.of(System.getProperty("java.home"), "bin", "java"),
                BuildProperties.load().childJvmClasspath(), log4jConfiguration);
    }

    List<String> command(String maxHeap, String mainClass, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                javaExecutable.toString(),
                "-Xms64m",
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfiguration,
                "-cp", classpath,
                mainClass));
        command.addAll(List.of(arguments));
        return command;
    }
}
