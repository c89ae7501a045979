package org.iommusim.protocol.translate;

/** The kind of a DMA transaction. */
public enum Access {
    READ,
    WRITE,
    /** An instruction fetch (InD=1 in a fault record); also a read. */
    EXEC;

    public boolean isWrite() {
        return this == WRITE;
    }

    public static Access parse(String text) {
        return switch (text.strip().toLowerCase()) {
            case "r", "read" -> READ;
            case "w", "write" -> WRITE;
            case "x", "exec" -> EXEC;
            default -> throw new IllegalArgumentException("access '" + text + "' is not r, w or x");
        };
    }
}
