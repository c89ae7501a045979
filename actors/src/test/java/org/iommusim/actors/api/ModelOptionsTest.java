package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelOptions}' builder methods (issue Q point 4): each sets its one component and keeps the rest,
 * each refuses what the record refuses, and every record component has one.
 */
class ModelOptionsTest {
    private static final ModelOptions BASE = new ModelOptions(Path.of("a"), true, 3, 16, Duration.ofSeconds(5),
            Execution.THREADED);

    @Test
    void eachBuilderMethodSetsItsComponentAndKeepsTheOthers() {
        assertEquals(new ModelOptions(Path.of("b"), true, 3, 16, Duration.ofSeconds(5), Execution.THREADED),
                BASE.withDataDir(Path.of("b")));
        assertEquals(new ModelOptions(Path.of("a"), false, 3, 16, Duration.ofSeconds(5), Execution.THREADED),
                BASE.withFsync(false));
        assertEquals(new ModelOptions(Path.of("a"), true, 7, 16, Duration.ofSeconds(5), Execution.THREADED),
                BASE.withWorkers(7));
        assertEquals(new ModelOptions(Path.of("a"), true, 3, 9, Duration.ofSeconds(5), Execution.THREADED),
                BASE.withMaxBurst(9));
        assertEquals(new ModelOptions(Path.of("a"), true, 3, 16, Duration.ofMillis(1), Execution.THREADED),
                BASE.withCallTimeout(Duration.ofMillis(1)));
        Execution seeded = new Execution.Deterministic(OptionalLong.of(42));
        ModelOptions det = BASE.withExecution(seeded);
        assertEquals(new ModelOptions(Path.of("a"), true, 3, 16, Duration.ofSeconds(5), seeded), det);
        assertTrue(det.isDeterministic());
        assertEquals(3, det.workersPerSmmu(), "unlike deterministic(), withExecution keeps the worker count");
        assertEquals(ModelOptions.DETERMINISTIC_WORKERS, BASE.deterministic(42).workersPerSmmu());
        assertEquals(BASE, det.withExecution(Execution.THREADED));
    }

    @Test
    void builderMethodsRefuseWhatTheRecordRefuses() {
        assertThrows(IllegalArgumentException.class, () -> BASE.withDataDir(null));
        assertThrows(IllegalArgumentException.class, () -> BASE.withExecution(null));
        assertThrows(IllegalArgumentException.class, () -> BASE.withWorkers(0));
        assertThrows(IllegalArgumentException.class, () -> BASE.withMaxBurst(0));
        assertThrows(IllegalArgumentException.class, () -> BASE.withCallTimeout(Duration.ZERO));
    }

    @Test
    void everyComponentHasABuilderMethod() {
        for (RecordComponent c : ModelOptions.class.getRecordComponents()) {
            // workersPerSmmu's is withWorkers
            String name = c.getName().equals("workersPerSmmu") ? "workers" : c.getName();
            String with = "with" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            boolean found = Arrays.stream(ModelOptions.class.getMethods()).map(Method::getName)
                    .anyMatch(with::equals);
            assertTrue(found, "ModelOptions." + with + " for component " + c.getName());
        }
    }
}
