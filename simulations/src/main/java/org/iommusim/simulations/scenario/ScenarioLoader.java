package org.iommusim.simulations.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Loads a {@link Scenario} from a HOCON file (schema: {@code docs/SCENARIOS.md}).
 *
 * <p>The file is read on its own, never merged with {@code application.conf} or any reference config, and
 * checked strictly: an unknown key at any depth, a value of the wrong type or out of range, a missing
 * required key and a reference that does not resolve are all errors. A {@link ScenarioException} lists
 * every problem found, one per line in file order, each as {@code file:line: key: reason}; checks between
 * entries (duplicate ids, references, stages) run only once every entry reads cleanly, so one typo does
 * not surface as a cascade of unresolved references.
 */
public final class ScenarioLoader {
    private ScenarioLoader() {}

    /** Loads {@code file}; messages name it as given (e.g. {@code conf/scenarios/quickstart.conf}). */
    public static Scenario load(Path file) {
        return load(read(file), file.toString());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e, e);
        }
    }

    /**
     * Loads {@code file} with keys overridden, e.g. {@code List.of("driver.strategy = strict")}: each
     * override is HOCON relative to {@code scenario { }}, replaces the file's value at each path it sets,
     * and is validated like the file (messages name the override instead of a line).
     */
    public static Scenario load(Path file, List<String> overrides) {
        return load(read(file), file.toString(), overrides);
    }

    /** Loads a scenario from {@code text}, naming it {@code fileName} in messages and in {@link Scenario#file()}. */
    public static Scenario load(String text, String fileName) {
        return load(text, fileName, List.of());
    }

    /** {@link #load(String, String)} with {@link #load(Path, List) overrides}. */
    public static Scenario load(String text, String fileName, List<String> overrides) {
        Problems problems = new Problems(fileName);
        Config parsed = parse(text, fileName, problems);
        problems.throwIfAny();
        Config config = resolve(Overrides.apply(parsed, overrides, problems), problems);
        problems.throwIfAny();

        ConfNode root = new ConfNode(config.root(), "", problems);
        ConfNode scenario = root.object("scenario", true);
        root.finish();
        problems.throwIfAny();
        ConfNode s = scenario.asRoot();
        String name = s.string("name");
        String question = s.string("question");
        Long seed = s.integer("seed", 1L, Long.MIN_VALUE, Long.MAX_VALUE);
        RunLength length = RunReader.length(s.object("length", true));
        Costs costs = RunReader.costs(s.object("costs", false));
        List<Located<SmmuDef>> smmus = each(s.objects("smmus", true), SmmuReader::read);
        List<Located<DomainDef>> domains = each(s.objects("domains", false), DomainReader::read);
        List<Located<StreamReader.Entry>> streams = each(s.objects("streams", false), StreamReader::read);
        DriverDef driver = DriverReader.read(s.object("driver", false));
        List<Located<DeviceReader.Entry>> devices = each(s.objects("devices", true), DeviceReader::read);
        List<Located<FaultInjection>> faults = each(s.objects("faults", false), FaultReader::read);
        List<ExpectReader.Read> claims = new ArrayList<>();
        Expectation expect = ExpectReader.read(s.object("expect", false), claims);
        s.finish();
        problems.throwIfAny();

        References refs = new References(problems);
        List<SmmuDef> smmuDefs = refs.smmus(smmus);
        List<DomainDef> domainDefs = refs.domains(domains);
        List<StreamDef> streamDefs = refs.streams(streams);
        List<DeviceDef> deviceDefs = refs.devices(devices);
        problems.throwIfAny();
        ExpectReader.checkDevices(claims, deviceDefs.stream().map(DeviceDef::name)
                .collect(java.util.stream.Collectors.toSet()));
        problems.throwIfAny();

        return new Scenario(name, fileName, question, seed, length, costs, smmuDefs, domainDefs, streamDefs,
                driver, deviceDefs, faults.stream().map(Located::value).toList(), expect);
    }

    /** The scenario's configuration as {@link #load(String, String, List)} reads it: parsed, overridden, resolved. */
    static Config resolved(String text, String fileName, List<String> overrides) {
        Problems problems = new Problems(fileName);
        Config parsed = parse(text, fileName, problems);
        problems.throwIfAny();
        Config config = resolve(Overrides.apply(parsed, overrides, problems), problems);
        problems.throwIfAny();
        return config;
    }

    private static Config parse(String text, String fileName, Problems problems) {
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setOriginDescription(fileName)
                .setSyntax(ConfigSyntax.CONF)
                .setIncluder(new NoIncludes());
        try {
            return ConfigFactory.parseString(text, options);
        } catch (ConfigException e) {
            problems.add(new Where(lineOf(e), ""), reasonOf(e));
            return null;
        }
    }

    /** Substitutions may refer within the scenario only: no environment variables, no system properties. */
    private static Config resolve(Config config, Problems problems) {
        try {
            return config.resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (ConfigException e) {
            problems.add(new Where(lineOf(e), ""), reasonOf(e));
            return null;
        }
    }

    /** Reads every entry of a list, keeping the ones that read cleanly with where they came from. */
    private static <T> List<Located<T>> each(List<ConfNode> nodes, Function<ConfNode, T> reader) {
        List<Located<T>> read = new ArrayList<>();
        for (ConfNode n : nodes) {
            T value = reader.apply(n);
            if (value != null) {
                read.add(new Located<>(value, n));
            }
        }
        return read;
    }

    private static int lineOf(ConfigException e) {
        return e.origin() == null ? 1 : e.origin().lineNumber();
    }

    /** The library's message without its own "file: line: " prefix, which the scenario format replaces. */
    static String reasonOf(ConfigException e) {
        String message = e.getMessage();
        ConfigOrigin origin = e.origin();
        if (origin != null && message.startsWith(origin.description() + ": ")) {
            return message.substring(origin.description().length() + 2);
        }
        return message;
    }
}
