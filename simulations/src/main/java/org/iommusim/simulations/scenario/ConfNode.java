package org.iommusim.simulations.scenario;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Strict, typed reads of one HOCON object of a scenario. Every key a reader asks about is remembered, so
 * {@link #finish()} can call any other key unknown: a typo must never silently fall back to a default.
 *
 * <p>A bad or missing value is recorded in {@link Problems} and read as {@code null}; callers build a
 * record only when no problem was added while reading it, so one mistake does not cascade into others.
 */
final class ConfNode {
    private final ConfigObject object;
    private final String path;
    private final Where self;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    ConfNode(ConfigObject object, String path, Problems problems) {
        this.object = object;
        this.path = path;
        this.self = at(object, path);
        this.problems = problems;
    }

    /** This object with key paths counted from it: {@code scenario { }}'s keys are written without "scenario.". */
    ConfNode asRoot() {
        return new ConfNode(object, "", problems);
    }

    Problems problems() {
        return problems;
    }

    /** This object, for messages about it as a whole (a missing key is reported on the enclosing object's line). */
    Where where() {
        return self;
    }

    /** A key's value, or this object when the key is absent. */
    Where where(String key) {
        ConfigValue v = object.get(key);
        return v == null ? new Where(self.line(), keyPath(key), self.override()) : at(v, keyPath(key));
    }

    /** A required key is absent: named by its path, placed on this object's line (the absent key has none). */
    void missing(String key) {
        problems.add(new Where(self.line(), keyPath(key), self.override()), "required key is missing");
    }

    void problem(String key, String reason) {
        problems.add(where(key), reason);
    }

    /** Whether the file sets {@code key}, without declaring it a known key. */
    boolean contains(String key) {
        return object.containsKey(key);
    }

    /** A key's value as written, or null; for values a caller interprets itself. */
    ConfigValue raw(String key) {
        return has(key) ? object.get(key) : null;
    }

    /** Whether the file sets {@code key}; either way the key is now known, so {@link #finish()} accepts it. */
    boolean has(String key) {
        known.add(key);
        return object.containsKey(key);
    }

    String string(String key) {
        ConfigValue v = value(key, true);
        if (v == null) {
            return null;
        }
        if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
            return wrongType(key, v, "a non-empty string");
        }
        return (String) v.unwrapped();
    }

    /** A whole number in {@code min..max}; {@code dflt == null} makes the key required. */
    Long integer(String key, Long dflt, long min, long max) {
        ConfigValue v = value(key, dflt == null);
        if (v == null) {
            return dflt;
        }
        Number n = v.valueType() == ConfigValueType.NUMBER ? (Number) v.unwrapped() : null;
        if (n == null || (n instanceof Double d && (d != Math.rint(d) || Math.abs(d) > Long.MAX_VALUE))) {
            return wrongType(key, v, "a whole number");
        }
        return inRange(key, n.longValue(), String.valueOf(n.longValue()), min, max);
    }

    Integer int32(String key, Integer dflt, int min, int max) {
        Long v = integer(key, dflt == null ? null : dflt.longValue(), min, max);
        return v == null ? null : v.intValue();
    }

    Boolean bool(String key, boolean dflt) {
        ConfigValue v = value(key, false);
        if (v == null) {
            return dflt;
        }
        // HOCON would also take "yes" and "on"; a scenario file says true or false.
        if (v.valueType() != ConfigValueType.BOOLEAN) {
            return wrongType(key, v, "true or false");
        }
        return (Boolean) v.unwrapped();
    }

    Double fraction(String key, Double dflt) {
        ConfigValue v = value(key, dflt == null);
        if (v == null) {
            return dflt;
        }
        if (v.valueType() != ConfigValueType.NUMBER) {
            return wrongType(key, v, "a number between 0 and 1");
        }
        double d = ((Number) v.unwrapped()).doubleValue();
        if (!(d >= 0 && d <= 1)) {
            problem(key, render(v) + " is not between 0 and 1");
            return null;
        }
        return d;
    }

    /** A number ≥ 0 (whole or not); required. */
    Double number(String key) {
        ConfigValue v = value(key, true);
        if (v == null) {
            return null;
        }
        if (v.valueType() != ConfigValueType.NUMBER || ((Number) v.unwrapped()).doubleValue() < 0) {
            return wrongType(key, v, "a number, at least 0");
        }
        return ((Number) v.unwrapped()).doubleValue();
    }

    /** A byte count: a plain number or a HOCON size string ({@code 4K}, {@code 1MiB}, {@code 2M}; K = 1024). */
    Long size(String key, Long dflt, long min, long max) {
        ConfigValue v = value(key, dflt == null);
        return v == null ? dflt : sizeOf(keyPath(key), v, min, max);
    }

    Long sizeOf(String keyPath, ConfigValue v, long min, long max) {
        Long bytes = bytesOf(v);
        if (bytes == null) {
            problems.add(at(v, keyPath), render(v) + " is not a size (e.g. 4096, 4K, 1MiB, 2M)");
            return null;
        }
        return inRange(at(v, keyPath), bytes, render(v), min, max);
    }

    /**
     * A span of virtual time in nanoseconds. A unit is required: HOCON reads a bare number as
     * milliseconds, which is a trap when every cost is a few nanoseconds.
     */
    Long nanos(String key, Long dflt, long min) {
        ConfigValue v = value(key, dflt == null);
        if (v == null) {
            return dflt;
        }
        if (v.valueType() == ConfigValueType.NUMBER) {
            problem(key, render(v) + " needs a unit (e.g. 500ns, 1us, 10ms)");
            return null;
        }
        Duration d = v.valueType() == ConfigValueType.STRING ? durationOf(v) : null;
        if (d == null) {
            problem(key, render(v) + " is not a duration (e.g. 500ns, 1us, 10ms)");
            return null;
        }
        long ns;
        try {
            ns = d.toNanos();
        } catch (ArithmeticException e) {
            problem(key, render(v) + " is too long");
            return null;
        }
        return inRange(where(key), ns, render(v), min, Long.MAX_VALUE);
    }

    /** One of an enum's constants, written in lower case with hyphens ({@code FLUSH_ALL_WHEN_FULL} is {@code flush-all-when-full}). */
    <E extends Enum<E>> E word(String key, Class<E> type, E dflt) {
        ConfigValue v = value(key, dflt == null);
        if (v == null) {
            return dflt;
        }
        if (v.valueType() == ConfigValueType.STRING) {
            for (E e : type.getEnumConstants()) {
                if (wordOf(e).equals(v.unwrapped())) {
                    return e;
                }
            }
        }
        String choices = Arrays.stream(type.getEnumConstants()).map(ConfNode::wordOf).collect(Collectors.joining(", "));
        problem(key, render(v) + " is not one of " + choices);
        return null;
    }

    static String wordOf(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A nested object, or null when it is absent (a problem if required) or not an object. */
    ConfNode object(String key, boolean required) {
        ConfigValue v = value(key, required);
        if (v == null) {
            return null;
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            return wrongType(key, v, "an object { ... }");
        }
        return new ConfNode((ConfigObject) v, keyPath(key), problems);
    }

    /** A list of objects; absent reads as empty unless required. */
    List<ConfNode> objects(String key, boolean required) {
        List<ConfigValue> items = list(key, required);
        List<ConfNode> nodes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigValue item = items.get(i);
            String itemPath = keyPath(key) + "[" + i + "]";
            if (item.valueType() == ConfigValueType.OBJECT) {
                nodes.add(new ConfNode((ConfigObject) item, itemPath, problems));
            } else {
                problems.add(at(item, itemPath), "expected an object { ... }, got " + render(item));
            }
        }
        return nodes;
    }

    /** A list's elements; absent reads as empty unless required (then a problem). */
    List<ConfigValue> list(String key, boolean required) {
        ConfigValue v = value(key, required);
        if (v == null) {
            return List.of();
        }
        if (v.valueType() != ConfigValueType.LIST) {
            wrongType(key, v, "a list [ ... ]");
            return List.of();
        }
        if (required && ((ConfigList) v).isEmpty()) {
            problem(key, "needs at least one entry");
        }
        return (ConfigList) v;
    }

    /** Reports every key nobody asked about. Call after all reads of this object. */
    void finish() {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                problem(key, known.isEmpty() ? "unknown key"
                        : "unknown key (expected one of " + String.join(", ", known) + ")");
            }
        }
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * Where a value was written: its file line, or the override that set it. Objects an override had to
     * create have no line at all and are blamed on the overrides as a whole.
     */
    static Where at(ConfigValue v, String keyPath) {
        String description = v.origin().description();
        if (description.startsWith(Overrides.ORIGIN)) {
            return new Where(-1, keyPath, Overrides.name(description));
        }
        int line = v.origin().lineNumber();
        return line < 0 ? new Where(-1, keyPath, "overrides") : new Where(line, keyPath);
    }

    static String render(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "'" + v.unwrapped() + "'";
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            default -> String.valueOf(v.unwrapped());
        };
    }

    private ConfigValue value(String key, boolean required) {
        if (!has(key)) {
            if (required) {
                missing(key);
            }
            return null;
        }
        ConfigValue v = object.get(key);
        if (v.valueType() == ConfigValueType.NULL) {
            // null never means "use the default": that is what leaving the key out is for.
            return wrongType(key, v, "a value");
        }
        return v;
    }

    private <T> T wrongType(String key, ConfigValue v, String expected) {
        problem(key, "expected " + expected + ", got " + render(v));
        return null;
    }

    private Long inRange(String key, long value, String shown, long min, long max) {
        return inRange(where(key), value, shown, min, max);
    }

    private Long inRange(Where at, long value, String shown, long min, long max) {
        if (value >= min && value <= max) {
            return value;
        }
        String bounds = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
        problems.add(at, shown + " is out of range (" + bounds + ")");
        return null;
    }

    private static Long bytesOf(ConfigValue v) {
        try {
            return ConfigFactory.empty().withValue("v", v).getBytes("v");
        } catch (ConfigException e) {
            return null;
        }
    }

    private static Duration durationOf(ConfigValue v) {
        try {
            return ConfigFactory.empty().withValue("v", v).getDuration("v");
        } catch (ConfigException e) {
            return null;
        }
    }
}
