package io.pipewright.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering DESIGN.md describes, checked on the compiled classes of every module (ArchUnit): the kernel is the
 * language and depends on nothing of ours; the command and query sides never reach into adapters, sagas or the app;
 * sagas decide and never speak HTTP, JDBC or R2DBC themselves (their ports do, in adapters). A class that breaks a
 * rule fails this test with the offending dependency named.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pipewright");
    }

    /** The rules would hold vacuously over classes never imported: every layer is there. */
    @Test
    void everyLayerIsImported() {
        assertThat(List.of("io.pipewright.kernel.dag.DagDefinition", "io.pipewright.command.dag.DagRun",
                "io.pipewright.query.dag.DagProjection", "io.pipewright.sagas.dag.DagRunSaga",
                "io.pipewright.adapters.dag.SqlTask", "io.pipewright.app.dag.DagSchedules",
                "io.pipewright.accounts.Authenticator"))
                .allSatisfy(name -> assertThat(classes.contain(name)).as(name).isTrue());
    }

    @Test
    void theKernelDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.pipewright.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("io.pipewright.command..", "io.pipewright.query..",
                        "io.pipewright.sagas..", "io.pipewright.adapters..", "io.pipewright.app..",
                        "io.pipewright.accounts..", "io.pipewright.launcher..", "io.pipewright.cli..",
                        "io.pipewright.localstack..")
                .because("the kernel is the language every other part speaks")
                .check(classes);
    }

    @Test
    void theCommandAndQuerySidesNeverImportAdaptersSagasOrTheApp() {
        noClasses().that().resideInAnyPackage("io.pipewright.command..", "io.pipewright.query..")
                .should().dependOnClassesThat().resideInAnyPackage("io.pipewright.adapters..",
                        "io.pipewright.sagas..", "io.pipewright.app..", "io.pipewright.accounts..")
                .because("they reach the outside world through the kernel's messages only")
                .check(classes);
    }

    @Test
    void sagasNeverSpeakHttpJdbcOrR2dbcThemselves() {
        noClasses().that().resideInAPackage("io.pipewright.sagas..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "java.net.http..",
                        "org.springframework.jdbc..", "org.springframework.r2dbc..", "io.r2dbc..",
                        "org.springframework.web..", "org.springframework.http..", "io.pipewright.adapters..",
                        "io.pipewright.app..")
                .because("a saga decides; the ports it is given do the I/O, in adapters")
                .check(classes);
    }
}
