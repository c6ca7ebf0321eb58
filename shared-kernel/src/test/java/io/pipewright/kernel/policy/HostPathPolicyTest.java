package io.pipewright.kernel.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the control plane may write on its host for a tenant, as registered and as found on disk at write time. */
class HostPathPolicyTest {

    @TempDir
    Path temp;

    @Test
    void withoutAllowedRootsNoHostPathIsAccepted() {
        HostPathPolicy none = new HostPathPolicy(List.of());
        assertThat(none.writingRefusal()).get().asString().contains("pipewright.host-paths.allowed-roots is empty");
        assertThat(none.refusal("/opt/connect-plugins")).isPresent();
        assertThatThrownBy(() -> none.directory("/opt/connect-plugins")).isInstanceOf(HostPathRefused.class);
        assertThatThrownBy(() -> none.existingFile("/etc/hostname")).isInstanceOf(HostPathRefused.class);
    }

    @Test
    void aRegisteredPathMustBeNormalisedAndUnderARoot() {
        HostPathPolicy policy = new HostPathPolicy(List.of("/opt/connect-plugins", "/run/connect-secrets"));
        assertThat(policy.writingRefusal()).isEmpty();
        assertThat(policy.refusal("/opt/connect-plugins")).isEmpty();
        assertThat(policy.refusal("/run/connect-secrets/tenant-a")).isEmpty();
        for (String path : List.of("/etc", "/opt/connect-plugins-evil", "/opt/connect-plugins/../../etc", "relative",
                "/opt/connect-plugins/", "/opt//connect-plugins", "/run/connect-secrets/x:${env:HOME}")) {
            assertThat(policy.refusal(path)).as(path).isPresent();
        }
    }

    @Test
    void aDirectoryIsCreatedUnderItsRootAndASymlinkOutOfTheRootIsRefused() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        HostPathPolicy policy = new HostPathPolicy(List.of(root.toString()));

        Path created = policy.directory(root.resolve("a/b").toString());
        assertThat(created).isEqualTo(root.toRealPath().resolve("a/b"));
        assertThat(Files.isDirectory(created)).isTrue();

        Files.createSymbolicLink(root.resolve("escape"), outside);
        assertThatThrownBy(() -> policy.directory(root.resolve("escape").toString()))
                .isInstanceOf(HostPathRefused.class).hasMessageContaining("not under one of the allowed roots");
        assertThatThrownBy(() -> policy.directory(root.resolve("escape/deeper").toString()))
                .isInstanceOf(HostPathRefused.class);
        assertThat(outside.resolve("deeper")).doesNotExist();
    }

    @Test
    void aFileIsJudgedAtItsRealPath() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        Path inside = Files.writeString(root.resolve("pg_hba.conf"), "local all all trust\n");
        Path victim = Files.writeString(temp.resolve("victim"), "secret\n");
        Path linkToInside = Files.createSymbolicLink(temp.resolve("link-in"), inside);
        Path linkOut = Files.createSymbolicLink(root.resolve("link-out"), victim);
        HostPathPolicy policy = new HostPathPolicy(List.of(root.toString()));

        assertThat(policy.existingFile(linkToInside.toString())).isEqualTo(inside.toRealPath());
        assertThatThrownBy(() -> policy.existingFile(linkOut.toString())).isInstanceOf(HostPathRefused.class);
        assertThatThrownBy(() -> policy.existingFile(root.resolve("missing").toString()))
                .isInstanceOf(HostPathRefused.class).hasMessageContaining("does not exist");
    }
}
