package org.iommusim.simulations.report;

/** {@link MiniJson} for tests in other packages (the command line's). */
public final class MiniJsonAccess {
    private MiniJsonAccess() {}

    public static Object parse(String text) {
        return MiniJson.parse(text);
    }

    /** The value at a dotted path of object keys. */
    public static Object at(Object root, String path) {
        return MiniJson.at(root, path);
    }
}
