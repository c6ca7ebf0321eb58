package io.pipewright.kernel.policy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where on the control plane's host it may write for a tenant: a Connect worker's {@code plugin_path} and
 * {@code secrets_directory}, and a source's {@code hba_file} in {@code file} mode. These are the operator's to decide,
 * never a tenant's: a path is accepted only under one of the roots in {@code pipewright.host-paths.allowed-roots}
 * (empty by default, which refuses every mode that writes files on the host).
 *
 * <p>A registered path is checked as written; before every write the path is checked again after resolving symlinks,
 * since a link planted later could lead out of the roots, and the write then goes to the resolved path.
 */
public final class HostPathPolicy {

    private static final String SETTING = "pipewright.host-paths.allowed-roots";

    private final List<Path> roots;

    public HostPathPolicy(List<String> allowedRoots) {
        List<Path> paths = new ArrayList<>();
        for (String root : allowedRoots == null ? List.<String>of() : allowedRoots) {
            Path path = Path.of(root.trim());
            if (!path.isAbsolute() || !path.normalize().equals(path)) {
                throw new IllegalArgumentException(SETTING + ": " + root + " must be an absolute, normalised path");
            }
            paths.add(path);
        }
        this.roots = List.copyOf(paths);
    }

    /** Why no mode that writes files on the host is accepted at all, or empty when some roots are allowed. */
    public Optional<String> writingRefusal() {
        return roots.isEmpty() ? Optional.of("is not accepted: this control plane writes no files on its host ("
                + SETTING + " is empty); use a mode that needs no host path") : Optional.empty();
    }

    /** Why a tenant may not register {@code path}, or empty when it may; nothing on the host is looked at. */
    public Optional<String> refusal(String path) {
        if (roots.isEmpty()) {
            return writingRefusal();
        }
        if (path.length() > 1024 || path.chars().anyMatch(c -> Character.isISOControl(c) || c == ':' || c == '}')) {
            return Optional.of("must be at most 1024 characters without ':', '}' or control characters");
        }
        Path candidate = Path.of(path);
        if (!candidate.isAbsolute() || !candidate.normalize().toString().equals(path)) {
            return Optional.of("must be an absolute path without '.', '..', '//' or a trailing '/'");
        }
        if (roots.stream().noneMatch(candidate::startsWith)) {
            return Optional.of("must be under one of the allowed roots " + roots + " (" + SETTING + ")");
        }
        return Optional.empty();
    }

    /**
     * The directory {@code path} leads to, created if missing, after checking that it is under an allowed root once
     * every symlink is resolved. Write into the returned path.
     */
    public Path directory(String path) throws IOException {
        refusal(path).ifPresent(reason -> {
            throw new HostPathRefused(path + " " + reason);
        });
        Path existing = Path.of(path);
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path real = requireUnderRoot(path, existing.toRealPath());
        for (Path missing : existing.relativize(Path.of(path))) {
            real = real.resolve(missing);
            try {
                Files.createDirectory(real);
            } catch (FileAlreadyExistsException createdMeanwhile) {
                real = requireUnderRoot(path, real.toRealPath());
            }
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new HostPathRefused(path + " is not a directory");
        }
        return requireUnderRoot(path, real.toRealPath());
    }

    /** The real path of the existing file {@code path}, which must be under an allowed root once resolved. */
    public Path existingFile(String path) throws IOException {
        if (roots.isEmpty()) {
            throw new HostPathRefused(path + " " + writingRefusal().orElseThrow());
        }
        Path real;
        try {
            real = Path.of(path).toRealPath();
        } catch (NoSuchFileException e) {
            throw new HostPathRefused(path + " does not exist on the control plane's host");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new HostPathRefused(path + " is not a regular file");
        }
        return requireUnderRoot(path, real);
    }

    private Path requireUnderRoot(String path, Path real) throws IOException {
        for (Path root : roots) {
            Path realRoot = Files.exists(root) ? root.toRealPath() : root;
            if (real.startsWith(realRoot)) {
                return real;
            }
        }
        throw new HostPathRefused(path + " leads to " + real + ", which is not under one of the allowed roots " + roots
                + " (" + SETTING + ")");
    }
}
