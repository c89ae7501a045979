package org.iommusim.simulations.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.iommusim.protocol.archfixture.ProtocolClassUsingPekko;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Dependencies point one way: protocol &lt;- persistence &lt;- actors &lt;-
 * cluster &lt;- simulations, and protocol is plain Java (no Pekko). Maven's module graph
 * already stops an upward import at compile time; these rules also catch
 * reflection-free leaks through shared packages and keep protocol Pekko-free.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModuleDependencyTest {

    private final JavaClasses production = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.iommusim");

    static final ArchRule PROTOCOL_IS_PLAIN_JAVA = noClasses().that().resideInAPackage("org.iommusim.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.pekko..", "scala..", "org.iommusim.persistence..", "org.iommusim.actors..",
                    "org.iommusim.simulations..")
            .because("protocol is the vocabulary user code and log decoders need, without Pekko");

    static final ArchRule PERSISTENCE_BELOW_ACTORS = noClasses().that().resideInAPackage("org.iommusim.persistence..")
            .should().dependOnClassesThat().resideInAnyPackage("org.iommusim.actors..", "org.iommusim.cluster..",
                    "org.iommusim.simulations..")
            .allowEmptyShould(true);

    static final ArchRule ACTORS_BELOW_SIMULATIONS = noClasses().that().resideInAPackage("org.iommusim.actors..")
            .should().dependOnClassesThat().resideInAPackage("org.iommusim.simulations..")
            .allowEmptyShould(true);

    /** The cluster mode sits between actors and simulations: actors never know of it. */
    static final ArchRule CLUSTER_BETWEEN_ACTORS_AND_SIMULATIONS = noClasses().that()
            .resideInAnyPackage("org.iommusim.actors..", "org.iommusim.persistence..", "org.iommusim.protocol..")
            .should().dependOnClassesThat().resideInAPackage("org.iommusim.cluster..")
            .orShould().dependOnClassesThat().resideInAPackage("org.apache.pekko.cluster..")
            .allowEmptyShould(true);

    static final ArchRule CLUSTER_BELOW_SIMULATIONS = noClasses().that().resideInAPackage("org.iommusim.cluster..")
            .should().dependOnClassesThat().resideInAPackage("org.iommusim.simulations..")
            .allowEmptyShould(true);

    @Test
    void protocolIsPlainJava() {
        assertTrue(production.stream().anyMatch(c -> c.getPackageName().startsWith("org.iommusim.protocol")),
                "protocol classes were imported");
        PROTOCOL_IS_PLAIN_JAVA.check(production);
    }

    @Test
    void persistenceDoesNotReachUp() {
        PERSISTENCE_BELOW_ACTORS.check(production);
    }

    @Test
    void actorsDoNotReachUp() {
        ACTORS_BELOW_SIMULATIONS.check(production);
    }

    @Test
    void clusterSitsBetweenActorsAndSimulations() {
        assertTrue(production.stream().anyMatch(c -> c.getPackageName().startsWith("org.iommusim.cluster")),
                "cluster classes were imported");
        CLUSTER_BETWEEN_ACTORS_AND_SIMULATIONS.check(production);
        CLUSTER_BELOW_SIMULATIONS.check(production);
    }

    /** The protocol rule is not vacuous: a protocol-package class that touches Pekko violates it. */
    @Test
    void protocolRuleCatchesAPekkoImport() {
        JavaClasses fixture = new ClassFileImporter().importClasses(ProtocolClassUsingPekko.class);
        EvaluationResult result = PROTOCOL_IS_PLAIN_JAVA.evaluate(fixture);
        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("org.apache.pekko"));
        assertFalse(PROTOCOL_IS_PLAIN_JAVA.evaluate(production).hasViolation());
    }
}
