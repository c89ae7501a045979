package org.iommusim.protocol.translate;

/** The kind of a DMA transaction. */
public enum Access {
    /** A data read. */
    READ,
    /** A data write. */
    WRITE,
    /** An instruction fetch (InD=1 in a fault record); also a read. */
    EXEC;

    /**
     * Whether the access writes.
     * @return true only for {@link #WRITE}
     */
    public boolean isWrite() {
        return this == WRITE;
    }

    /**
     * Parses {@code r}, {@code w}, {@code x} or {@code read}, {@code write}, {@code exec}, case and surrounding
     * blanks ignored.
     * @return the access
     * @throws IllegalArgumentException naming the text, if it is none of these
     * @throws NullPointerException if {@code text} is null
     */
    public static Access parse(String text) {
        return switch (text.strip().toLowerCase()) {
            case "r", "read" -> READ;
            case "w", "write" -> WRITE;
            case "x", "exec" -> EXEC;
            default -> throw new IllegalArgumentException("access '" + text + "' is not r, w or x");
        };
    }
}
