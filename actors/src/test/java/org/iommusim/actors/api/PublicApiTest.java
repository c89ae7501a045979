package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.LinkedHashSet;
import java.util.Set;
import org.iommusim.protocol.translate.TranslationBurst;
import org.junit.jupiter.api.Test;

/**
 * The embedding API ({@code org.iommusim.actors.api}) exposes no internal
 * type: every public (or protected) method, constructor and field of a
 * public class there mentions, in its parameters, return type, generic
 * arguments or declared exceptions, only API types, protocol types and the
 * JDK's. Internal are the model's own packages ({@code persistence.*},
 * {@code actors.*} other than {@code api}), any {@code .internal} package
 * (such as the protocol's {@code translate.internal}, the model's side of a
 * burst) and Pekko's. The protocol's {@code TranslationBurst}, which the API
 * hands to embedders, has the embedder's methods only as its public ones.
 */
class PublicApiTest {
    static final String API = "org.iommusim.actors.api";
    /** The iommufd-style host a VMM builds on: API too, with its own records and errors. */
    static final String HOST = "org.iommusim.actors.iommufd";

    /** A type an embedder must not see in the API. */
    static boolean internal(JavaClass c) {
        String n = c.getPackageName();
        return n.startsWith("org.iommusim.persistence") || n.startsWith("org.apache.pekko") || n.startsWith("scala")
                || (n.startsWith("org.iommusim.actors") && !n.equals(API) && !n.equals(HOST))
                || n.endsWith(".internal") || n.contains(".internal.");
    }

    /** Every type a member's signature names, generic arguments and bounds included. */
    static Set<JavaClass> signatureTypes(JavaMember m) {
        Set<JavaClass> out = new LinkedHashSet<>();
        if (m instanceof JavaField f) {
            out.addAll(f.getType().getAllInvolvedRawTypes());
        } else if (m instanceof JavaCodeUnit u) {
            out.addAll(u.getReturnType().getAllInvolvedRawTypes());
            u.getParameterTypes().forEach(t -> out.addAll(t.getAllInvolvedRawTypes()));
            u.getThrowsClause().getTypes().forEach(out::add);
            u.getTypeParameters().forEach(t -> out.addAll(t.getAllInvolvedRawTypes()));
        }
        return out;
    }

    static final ArchCondition<JavaClass> EXPOSE_NO_INTERNAL_TYPE = new ArchCondition<>(
            "expose no internal type in a public signature") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
            Set<JavaMember> members = new LinkedHashSet<>();
            members.addAll(c.getMethods());
            members.addAll(c.getConstructors());
            members.addAll(c.getFields());
            for (JavaMember m : members) {
                Set<JavaModifier> mods = m.getModifiers();
                if (!mods.contains(JavaModifier.PUBLIC) && !mods.contains(JavaModifier.PROTECTED)) {
                    continue;
                }
                if (m.getModifiers().contains(JavaModifier.SYNTHETIC) || m.getModifiers().contains(JavaModifier.BRIDGE)) {
                    continue;
                }
                for (JavaClass t : signatureTypes(m)) {
                    if (internal(t)) {
                        events.add(SimpleConditionEvent.violated(m,
                                m.getFullName() + " names the internal type " + t.getName()));
                    }
                }
            }
            c.getRawSuperclass().filter(PublicApiTest::internal).ifPresent(s -> events.add(
                    SimpleConditionEvent.violated(c, c.getName() + " extends the internal type " + s.getName())));
            c.getRawInterfaces().stream().filter(PublicApiTest::internal).forEach(i -> events.add(
                    SimpleConditionEvent.violated(c, c.getName() + " implements the internal type " + i.getName())));
        }
    };

    static final ArchRule API_EXPOSES_NO_INTERNAL_TYPE = ArchRuleDefinition.classes()
            .that().resideInAPackage(API).and().arePublic()
            .should(EXPOSE_NO_INTERNAL_TYPE)
            .because("an embedder builds on org.iommusim.actors.api, protocol records and the JDK only");

    @Test
    void theApiExposesNoInternalType() {
        JavaClasses api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(API);
        assertTrue(api.contain(IommuSim.class), "the facade was imported");
        API_EXPOSES_NO_INTERNAL_TYPE.check(api);
    }

    @Test
    void theHostExposesNoInternalType() {
        JavaClasses host = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(HOST);
        assertTrue(host.contain(org.iommusim.actors.iommufd.IommufdHost.class), "the host was imported");
        ArchRuleDefinition.classes().that().resideInAPackage(HOST).and().arePublic()
                .should(EXPOSE_NO_INTERNAL_TYPE)
                .because("a VMM builds on the host, the facade, protocol records and the JDK only")
                .check(host);
    }

    /**
     * The API packages hold only API: every top-level type there is public (the facade's call gate, interrupt
     * dispatch and root actor live in {@code actors.internal}, the host's helpers in {@code iommufd.internal}).
     */
    @Test
    void theApiPackagesHoldOnlyPublicTypes() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(API, HOST);
        assertTrue(classes.contain(IommuSim.class) && classes.contain(org.iommusim.actors.iommufd.IommufdHost.class),
                "both packages were imported");
        ArchRuleDefinition.classes().that().resideInAnyPackage(API, HOST).and().areTopLevelClasses()
                .and().doNotHaveSimpleName("package-info")
                .should().bePublic()
                .because("an implementation class belongs in an internal package, not beside the API")
                .check(classes);
    }

    /** The burst an embedder fills and reads: the model's side (submit, complete, slots) is not public. */
    @Test
    void theBurstsPublicMethodsAreTheEmbeddersOnly() {
        JavaClass burst = new ClassFileImporter().importClasses(TranslationBurst.class).get(TranslationBurst.class);
        Set<String> published = new java.util.TreeSet<>();
        for (JavaMember m : burst.getMethods()) {
            if (m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                published.add(m.getName());
            }
        }
        assertEquals(new java.util.TreeSet<>(Set.of("capacity", "size", "isEmpty", "add", "clear", "sid", "ssv",
                "ssidOrNone", "iova", "access", "privileged", "request", "translated", "outputAddress", "perms",
                "result", "path", "descriptorReads", "descriptorAddress", "hasDescriptorAddresses", "untranslated",
                "toString")), published,
                "a model-side method (markSubmitted, markCompleted, requestInSlot, slot..., answerSlot...) belongs in "
                        + "protocol.translate.internal.BurstSlots");
        assertTrue(internal(new ClassFileImporter().importClasses(
                org.iommusim.protocol.translate.internal.BurstSlots.class)
                .get(org.iommusim.protocol.translate.internal.BurstSlots.class)), "BurstSlots counts as internal");
    }

    /** The rule is not vacuous: a public API-package class with an internal type in a signature violates it. */
    @Test
    void theRuleCatchesAnInternalTypeInASignature() {
        JavaClasses fixture = new ClassFileImporter().importClasses(LeakyFixture.class, LeakyFixture.Nested.class);
        EvaluationResult r = API_EXPOSES_NO_INTERNAL_TYPE.evaluate(fixture);
        assertTrue(r.hasViolation(), "the fixture's leak was caught");
        String report = String.join("\n", r.getFailureReport().getDetails());
        assertTrue(report.contains("org.iommusim.persistence.smmu.SmmuState"), report);
        assertTrue(report.contains("org.apache.pekko.actor.typed.ActorSystem"), report);
        assertEquals(2, r.getFailureReport().getDetails().size(), report);
        assertFalse(report.contains("fine"), "a package-private member is not API: " + report);
    }

    /** A test fixture in the API package: two leaks (a return type, a generic parameter) and one private use. */
    public static final class LeakyFixture {
        public org.iommusim.persistence.smmu.SmmuState state() {
            return null;
        }

        public void system(java.util.List<org.apache.pekko.actor.typed.ActorSystem<?>> systems) {}

        static org.iommusim.persistence.smmu.SmmuState fine() {
            return null;
        }

        /** Nested public class without leaks. */
        public static final class Nested {
            public String ok() {
                return "";
            }
        }
    }
}
