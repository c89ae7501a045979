package org.iommusim.simulations.scenario;

/**
 * A place a message can point at: the line of a value and its key path relative to {@code scenario { }}
 * (e.g. {@code smmus[0].iotlb-policy}); an empty key marks a syntax error. A value set by an override
 * rather than by the file has no line; {@code override} then names it.
 */
record Where(int line, String key, String override) {
    Where(int line, String key) {
        this(line, key, null);
    }

    /** Lines in file order; overrides come after the whole file. */
    int order() {
        return override == null ? line : Integer.MAX_VALUE;
    }
}
