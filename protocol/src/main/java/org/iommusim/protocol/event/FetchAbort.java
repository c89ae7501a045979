package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.TextLine;

/**
 * An external abort while fetching a configuration structure (STE, CD or VMS).
 * Carries the origin and the address being fetched (dw3, at most bit 51).
 */
public sealed interface FetchAbort extends SmmuEvent permits FSteFetch, FCdFetch, FVmsFetch {

    /** The physical address whose fetch aborted (dw3). */
    long fetchAddress();

    @Override
    default RawEvent encode() {
        return new RawEvent(EventLayout.dw0(id(), origin()), 0, 0, fetchAddress());
    }

    @Override
    default String toText() {
        return origin().addTo(TextLine.of(id().referenceName()))
                .hex("fetch_addr", fetchAddress())
                .toString();
    }
}
