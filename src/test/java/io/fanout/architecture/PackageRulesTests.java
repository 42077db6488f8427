package io.fanout.architecture;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The README's package map, "what may not go there" column, as rules over the compiled classes of {@code src/main}:
 * a change that breaks one fails here with the offending dependency named, instead of slowly blurring the layers.
 */
class PackageRulesTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.fanout");

    private static final String SPRING = "org.springframework..";
    private static final String REACTOR = "reactor..";
    private static final String SPRING_WEB = "org.springframework.web..";
    private static final String SPRING_HTTP = "org.springframework.http..";

    @Test
    void shouldHaveNoCyclesBetweenTopLevelPackages() {
        slices().matching("io.fanout.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void shouldHaveNoCyclesBetweenUpstreamPackages() {
        slices().matching("io.fanout.upstream.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void shouldKeepDefinitionsFreeOfReactorSpringAndLaterLayers() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.definition..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        REACTOR,
                        SPRING,
                        "io.fanout.compile..",
                        "io.fanout.plan..",
                        "io.fanout.template..",
                        "io.fanout.engine..",
                        "io.fanout.upstream..")
                .because("definitions are records as written, checked for shape only (README package map)")
                .check(MAIN);
    }

    @Test
    void shouldKeepTheCompilerFreeOfIoAndTheWeb() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.compile..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.r2dbc..",
                        SPRING_WEB,
                        SPRING_HTTP,
                        "io.fanout.engine..",
                        "io.fanout.web..",
                        "io.fanout.store..",
                        "io.fanout.reload..",
                        "io.fanout.admin..",
                        "io.fanout.jobs..")
                .check(MAIN);
    }

    @Test
    void shouldKeepPlansAndTemplatesFreeOfBuildingAndRunning() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.plan..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fanout.compile..", "io.fanout.engine..", SPRING)
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("io.fanout.template..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fanout.compile..", "io.fanout.plan..", "io.fanout.engine..", SPRING, REACTOR)
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.upstream.UpstreamClient")
                .check(MAIN);
    }

    @Test
    void shouldKeepTheEngineFreeOfSpringAndWireFormats() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        SPRING,
                        "io.fanout.web..",
                        "io.fanout.render..",
                        "io.fanout.admin..",
                        "io.fanout.jobs..",
                        "io.fanout.store..",
                        "io.fanout.reload..",
                        "io.fanout.compile..")
                .because("the engine runs plans and returns outcomes, not HTTP statuses or bytes (HttpStatus"
                        + " included)")
                .check(MAIN);
    }

    @Test
    void shouldRenderWithoutSpringReactorOrRunningCalls() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.render..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SPRING, REACTOR, "io.fanout.web..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.upstream.UpstreamClient")
                .check(MAIN);
    }

    @Test
    void shouldKeepJsonFreeOfEverythingElse() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.json..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fanout.definition..",
                        "io.fanout.plan..",
                        "io.fanout.engine..",
                        "io.fanout.upstream..",
                        "io.fanout.render..",
                        "io.fanout.web..",
                        SPRING)
                .check(MAIN);
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson.databind..")
                .because("WebFlux and io.fanout.json use Jackson 3 (tools.jackson); Jackson 2 only rides along")
                .check(MAIN);
    }

    @Test
    void shouldKeepUpstreamsFreeOfEndpointsAndTransportsFreeOfPolicies() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.upstream..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fanout.plan..",
                        "io.fanout.engine..",
                        "io.fanout.render..",
                        "io.fanout.compile..",
                        "io.fanout.web..",
                        "io.fanout.admin..",
                        "io.fanout.jobs..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAnyPackage("io.fanout.upstream.http..", "io.fanout.upstream.blocking..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fanout.upstream.resilience..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("io.fanout.upstream.resilience..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fanout.upstream.http..", "io.fanout.upstream.blocking..", "io.fanout.upstream.transport..")
                .check(MAIN);
    }

    @Test
    void shouldKeepTheWebLayerAndItsAuthFreeOfTheApisBuiltOnThem() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fanout.admin..",
                        "io.fanout.jobs..",
                        "io.fanout.store..",
                        "io.fanout.reload..",
                        "io.fanout.compile..",
                        "io.fanout.config..")
                .check(MAIN);
    }

    @Test
    void shouldKeepStoreAndReloadFreeOfHttp() {
        noClasses()
                .that()
                .resideInAnyPackage("io.fanout.store..", "io.fanout.reload..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SPRING_WEB, SPRING_HTTP, "io.fanout.web..", "io.fanout.admin..", "io.fanout.jobs..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("io.fanout.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fanout.compile..", "io.fanout.definition..", "io.fanout.engine..")
                .because("documents are generic trees in the store; parsing and validating is the pipeline's")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("io.fanout.reload..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.r2dbc..", "org.springframework.r2dbc..")
                .because("SQL is io.fanout.store's")
                .check(MAIN);
    }

    @Test
    void shouldKeepAdminThinOverTheConfigSource() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.admin..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.store.ConfigStore")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.reload.ConfigApplier")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.reload.DatabaseConfigSource")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.fanout.reload.FileConfigSource")
                .orShould()
                .callMethodWhere(target(owner(HasName.Predicates.name("io.fanout.compile.ConfigPipeline")))
                        .and(target(nameMatching("validate|compile|load"))))
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fanout.jobs..", "io.r2dbc..")
                .because("admin is HTTP over io.fanout.reload.ConfigSource, the same in both modes")
                .check(MAIN);
    }

    @Test
    void shouldKeepJobsOutOfAdmin() {
        noClasses()
                .that()
                .resideInAPackage("io.fanout.jobs..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.fanout.admin..", "io.fanout.reload..")
                .check(MAIN);
    }

    @Test
    void shouldLetOnlyTheWiringKnowHowThePartsAreAssembled() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.fanout.config..", "io.fanout")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fanout.config..")
                .check(MAIN);
    }
}
