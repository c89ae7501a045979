package org.iommusim.protocol.event;

import java.util.Objects;
import org.iommusim.protocol.bits.Bits;

/** Constructor checks shared by the event records, so each record states them in one line. */
final class Parts {
    private Parts() {}

    static void translation(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(stall, "stall");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(walk, "walk");
    }

    static void configuration(Origin origin) {
        Objects.requireNonNull(origin, "origin");
    }

    static void fetch(Origin origin, long fetchAddress) {
        Objects.requireNonNull(origin, "origin");
        Bits.requireAddress("fetchAddress", fetchAddress, EventLayout.ADDRESS_HI, 0);
    }
}
