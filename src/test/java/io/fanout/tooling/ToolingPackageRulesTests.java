package io.fanout.tooling;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The tools check configs only through the pipeline and describe the APIs without reaching into them. */
class ToolingPackageRulesTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.fanout");

    @Test
    void shouldValidateOnlyThroughThePipelineAndStayOutOfTheApisItDescribes() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.tooling..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fanout.admin..",
                        "io.fanout.jobs..",
                        "io.fanout.store..",
                        "io.fanout.reload..",
                        "io.fanout.web..",
                        "io.fanout.upstream.http..",
                        "io.fanout.upstream.resilience..",
                        "io.fanout.engine.Engine")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Binder")
                .because("check goes through ConfigPipeline (no second validator); the OpenAPI document is built"
                        + " from compiled plans, not from the route handlers")
                .check(MAIN);
    }

    @Test
    void shouldNotBeUsedByTheLayersItDescribes() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.fanout.tooling..")
                .and()
                .doNotHaveFullyQualifiedName("io.fanout.FanoutApplication")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fanout.tooling..")
                .check(MAIN);
    }
}
