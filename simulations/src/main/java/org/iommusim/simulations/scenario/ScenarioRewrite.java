package org.iommusim.simulations.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scenario file, with its overrides applied, rewritten key by key: for
 * shrinking a failing run to a smaller scenario ({@code explore}) that is
 * written out as an ordinary scenario file. Each rewrite is a new value;
 * {@link #scenario} loads it exactly as a file is loaded.
 */
public final class ScenarioRewrite {
    private final Config config;

    private ScenarioRewrite(Config config) {
        this.config = config;
    }

    /** {@code file} with {@code overrides} (as {@link ScenarioLoader#load(Path, List)} takes them). */
    public static ScenarioRewrite of(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e, e);
        }
        return new ScenarioRewrite(ScenarioLoader.resolved(text, file.toString(), overrides));
    }

    private ScenarioRewrite with(String key, Object value) {
        ConfigValue v = value instanceof ConfigValue cv ? cv : ConfigValueFactory.fromAnyRef(value);
        return new ScenarioRewrite(config.withValue("scenario." + key, v));
    }

    /** How many devices it has. */
    public int devices() {
        return config.getList("scenario.devices").size();
    }

    /** Only the devices at {@code indexes} (in their order). */
    public ScenarioRewrite keepDevices(List<Integer> indexes) {
        ConfigList all = config.getList("scenario.devices");
        List<Object> kept = new ArrayList<>();
        for (int i : indexes) {
            kept.add(all.get(i).unwrapped());
        }
        return with("devices", ConfigValueFactory.fromIterable(kept));
    }

    /** The faults replaced by {@code faults}. */
    public ScenarioRewrite faults(List<FaultInjection> faults) {
        List<Object> out = new ArrayList<>();
        for (FaultInjection f : faults) {
            out.add(Map.of("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), "nth", f.nth()));
        }
        return with("faults", ConfigValueFactory.fromIterable(out));
    }

    /** Runs {@code operations} operations (whatever length the file gave). */
    public ScenarioRewrite operations(long operations) {
        return with("length", ConfigValueFactory.fromMap(Map.of("operations", operations)));
    }

    public ScenarioRewrite seed(long seed) {
        return with("seed", seed);
    }

    public ScenarioRewrite name(String name) {
        return with("name", name);
    }

    /** The expected answer: {@code answer}, judged by the claim that the run has a violation of some rule. */
    public ScenarioRewrite expectViolations(String answer) {
        return with("expect", ConfigValueFactory.fromMap(Map.of("answer", answer,
                "claims", List.of(Map.of("what", "violations", "is", "some")))));
    }

    /** The file's text: {@code header} as comment lines, then the scenario. */
    public String text(String header) {
        StringBuilder sb = new StringBuilder();
        for (String line : header.split("\n", -1)) {
            sb.append("# ").append(line).append('\n');
        }
        return sb.append(config.root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                .setComments(false).setJson(false).setFormatted(true))).toString();
    }

    /** The scenario as {@link ScenarioLoader} reads this text, named {@code fileName}. */
    public Scenario scenario(String fileName) {
        return ScenarioLoader.load(text(""), fileName);
    }
}
