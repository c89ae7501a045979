package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture per error class under {@code src/test/resources/scenarios/errors}: each file states the exact
 * message it must produce in its {@code # expect:} header lines (one line per problem, in file order).
 */
class ScenarioErrorsTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(ScenarioFixtures.fixture("errors"))) {
            return files.filter(p -> p.toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsFileLineKeyAndReason(Path fixture) {
        String text = ScenarioFixtures.text(fixture);
        String expected = text.lines().filter(l -> l.startsWith(EXPECT)).map(l -> l.substring(EXPECT.length()))
                .collect(Collectors.joining("\n"));
        assertFalse(expected.isEmpty(), "the fixture states its expected message");
        String name = fixture.getFileName().toString();
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(text, name));
        assertEquals(expected, e.getMessage());
    }

    /** The path form names the file as it was given, so a CLI user sees the path they typed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void loadingByPathNamesThePath(Path fixture) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(fixture));
        for (String line : e.getMessage().split("\n")) {
            assertTrue(line.startsWith(fixture + ":"), line);
        }
    }
}
