package org.iommusim.protocol.event;

import java.util.Optional;

/**
 * CLASS (dw1[41:40]) of a translation-class fault: which access the fault
 * happened on. Code 3 is reserved and has no constant.
 */
public enum EventClass {
    /** Fetching the context descriptor. */
    CD_FETCH(0),
    /** A translation table walk. */
    TABLE_WALK(1),
    /** The input address of the transaction itself. */
    INPUT_ADDRESS(2);

    private final int code;

    EventClass(int code) {
        this.code = code;
    }

    /**
     * The CLASS field's value.
     * @return the 2-bit code, 0 to 2
     */
    public int code() {
        return code;
    }

    /** The class with this code, or empty for the reserved value 3 and anything out of range. */
    public static Optional<EventClass> fromCode(int code) {
        for (EventClass c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
