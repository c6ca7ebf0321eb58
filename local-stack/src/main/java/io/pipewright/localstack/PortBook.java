package io.pipewright.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/** The ports of a stack by part name, saved in its work directory so that a stack keeping its data keeps its ports. */
final class PortBook {

    private final Path file;
    private final Properties saved = new Properties();
    private final Set<Integer> handedOut = new HashSet<>();
    private final boolean reuseSaved;

    private PortBook(Path file, boolean reuseSaved) {
        this.file = file;
        this.reuseSaved = reuseSaved;
    }

    static PortBook open(Path file, boolean reuseSaved) {
        PortBook book = new PortBook(file, reuseSaved);
        if (reuseSaved && Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                book.saved.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return book;
    }

    synchronized int port(String name) {
        String previous = saved.getProperty(name);
        if (reuseSaved && previous != null) {
            int port = Integer.parseInt(previous);
            if (!handedOut.contains(port) && Ports.isFree(port)) {
                return handOut(name, port);
            }
        }
        int port = Ports.free();
        while (handedOut.contains(port)) {
            port = Ports.free();
        }
        return handOut(name, port);
    }

    private int handOut(String name, int port) {
        handedOut.add(port);
        saved.setProperty(name, Integer.toString(port));
        return port;
    }

    synchronized void save() {
        try (Writer writer = Files.newBufferedWriter(file)) {
            saved.store(writer, "ports of the local stack, reused when it keeps its data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
