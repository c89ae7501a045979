package org.iommusim.simulations.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Key overrides on top of a scenario file ({@code driver.strategy = strict}), for running one scenario in
 * several variants without copying it. Each override is HOCON relative to {@code scenario { }}; every leaf
 * it sets replaces the file's value at that path (sibling keys stay), and is then checked exactly like the
 * file. Messages about an overridden value name the override instead of a line.
 */
final class Overrides {
    /** Origin descriptions of override values start with this, which is how messages tell them apart. */
    static final String ORIGIN = "override ";

    private Overrides() {}

    static Config apply(Config file, List<String> overrides, Problems problems) {
        Config result = file;
        for (String override : overrides) {
            String origin = ORIGIN + "'" + override.strip() + "'";
            ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription(origin)
                    .setSyntax(ConfigSyntax.CONF).setIncluder(new NoIncludes());
            try {
                for (Map.Entry<String, ConfigValue> e : leaves(ConfigFactory.parseString(override, options).root(),
                        List.of("scenario")).entrySet()) {
                    result = result.withValue(e.getKey(), e.getValue());
                }
            } catch (ConfigException e) {
                problems.add(new Where(-1, "", origin), ScenarioLoader.reasonOf(e));
            }
        }
        return result;
    }

    /**
     * Every leaf of {@code o} by path, null values included: {@code Config.entrySet} leaves nulls out, and
     * an override {@code seed = null} must reach the checks (null is never "use the default") rather than
     * vanish.
     */
    private static Map<String, ConfigValue> leaves(ConfigObject o, List<String> at) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
            List<String> path = new ArrayList<>(at);
            path.add(e.getKey());
            if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
                out.putAll(leaves(child, path));
            } else {
                out.put(ConfigUtil.joinPath(path), e.getValue());
            }
        }
        return out;
    }

    /** An override's name as shown in messages: its origin without the line HOCON appends. */
    static String name(String originDescription) {
        return originDescription.replaceFirst(": \\d+$", "");
    }
}
