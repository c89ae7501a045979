package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.TextLine;

/**
 * A configuration problem found while finding the stream's STE or CD. The
 * reference gives these no fields beyond the origin, so dw1 to dw3 are zero.
 */
public sealed interface ConfigEvent extends SmmuEvent
        permits CBadStreamId, CBadSte, FStreamDisabled, CBadSubstreamId, CBadCd, FCfgConflict {

    @Override
    default RawEvent encode() {
        return new RawEvent(EventLayout.dw0(id(), origin()), 0, 0, 0);
    }

    @Override
    default String toText() {
        return origin().addTo(TextLine.of(id().referenceName())).toString();
    }
}
