package org.iommusim.protocol.event;

import java.util.Objects;
import org.iommusim.protocol.bits.TextLine;

/**
 * E_PAGE_REQUEST (0x24): a device asks for a page to be made resident. Carries
 * the origin, the access attributes and the input address (dw2); it is not a
 * fault, so there is no stall, stage, class or IPA.
 */
public record EPageRequest(Origin origin, AccessAttributes access, long iova) implements SmmuEvent {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin} or {@code access} is null
     */
    public EPageRequest {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(access, "access");
    }

    @Override
    public EventId id() {
        return EventId.E_PAGE_REQUEST;
    }

    @Override
    public RawEvent encode() {
        return new RawEvent(EventLayout.dw0(id(), origin), EventLayout.dw1(access), iova, 0);
    }

    @Override
    public String toText() {
        return access.addTo(origin.addTo(TextLine.of(id().referenceName())))
                .hex("iova", iova)
                .toString();
    }
}
