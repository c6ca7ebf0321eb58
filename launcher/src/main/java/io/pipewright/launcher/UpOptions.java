package io.pipewright.launcher;

import java.nio.file.Path;

/** The flags of {@code bin/pipewright up}. */
record UpOptions(Path workDirectory, boolean keepData, int apiPort) {

    static final String USAGE = """
            usage: bin/pipewright up [--keep-data] [--port N] [--work-dir DIR]
              --keep-data     keep the databases, topics and connectors of the previous run (default: start clean)
              --port N        port of the REST API on 127.0.0.1 (default 8080; 0 picks a free one)
              --work-dir DIR  where data, logs and up.json go (default .pipewright)""";

    static UpOptions parse(String... args) {
        Path workDirectory = Path.of(".pipewright");
        boolean keepData = false;
        int apiPort = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keep-data" -> keepData = true;
                case "--port" -> apiPort = parsePort(valueOf(args, ++i, "--port"));
                case "--work-dir" -> workDirectory = Path.of(valueOf(args, ++i, "--work-dir"));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        return new UpOptions(workDirectory.toAbsolutePath().normalize(), keepData, apiPort);
    }

    Path stackDirectory() {
        return workDirectory.resolve("stack");
    }

    /** The stack writes its processes' logs here too. */
    Path logDirectory() {
        return stackDirectory().resolve("logs");
    }

    Path bootstrapFile() {
        return workDirectory.resolve("bootstrap.json");
    }

    Path upFile() {
        return workDirectory.resolve("up.json");
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[index];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, got " + value);
        }
    }
}
