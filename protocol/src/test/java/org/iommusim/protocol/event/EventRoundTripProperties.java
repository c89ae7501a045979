package org.iommusim.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** encode and decode are inverse on every valid event and every decodable raw record. */
class EventRoundTripProperties {

    @Provide
    Arbitrary<SmmuEvent> events() {
        return EventArbitraries.events();
    }

    @Property(tries = 2000)
    void decodeOfEncodeIsIdentity(@ForAll("events") SmmuEvent event) {
        Statistics.collect(event.id());
        assertEquals(event, EventCodec.decode(event.encode()));
        assertEquals(event, EventCodec.decode(event.encode().toBytes(), 0));
    }

    @Property(tries = 2000)
    void typeAndStreamLandInDw0(@ForAll("events") SmmuEvent event) {
        RawEvent raw = event.encode();
        assertEquals(event.id().code(), (int) (raw.dw0() & 0xff));
        assertEquals(event.origin().sidUnsigned(), raw.dw0() >>> 32);
        assertTrue(event.toText().startsWith(event.id().referenceName() + " sid=0x"
                + Long.toHexString(event.origin().sidUnsigned()) + " "));
    }

    @Property(tries = 2000)
    void recordKindMatchesIdKind(@ForAll("events") SmmuEvent event) {
        // Java 17 has no pattern switch; instanceof keeps the sealed groups honest.
        EventKind kind = event instanceof TranslationFault ? EventKind.TRANSLATION_FAULT
                : event instanceof ConfigEvent ? EventKind.CONFIGURATION
                : event instanceof FetchAbort ? EventKind.FETCH_ABORT
                : EventKind.PAGE_REQUEST;
        assertEquals(event instanceof EPageRequest, kind == EventKind.PAGE_REQUEST);
        assertEquals(event.id().kind(), kind);
    }

    @Provide
    Arbitrary<RawEvent> nearlyValidRaw() {
        // A valid encoding with one bit flipped: every flip lands either on another
        // valid event or on exactly one of the decode-error rules.
        return Combinators.combine(EventArbitraries.events(), Arbitraries.integers().between(0, 255))
                .as((event, bit) -> flip(event.encode(), bit));
    }

    private static RawEvent flip(RawEvent r, int bit) {
        long m = 1L << (bit & 63);
        return switch (bit >>> 6) {
            case 0 -> new RawEvent(r.dw0() ^ m, r.dw1(), r.dw2(), r.dw3());
            case 1 -> new RawEvent(r.dw0(), r.dw1() ^ m, r.dw2(), r.dw3());
            case 2 -> new RawEvent(r.dw0(), r.dw1(), r.dw2() ^ m, r.dw3());
            default -> new RawEvent(r.dw0(), r.dw1(), r.dw2(), r.dw3() ^ m);
        };
    }

    @Property(tries = 5000)
    void encodeOfAnySuccessfulDecodeIsIdentity(@ForAll("nearlyValidRaw") RawEvent raw) {
        EventDecode d = EventCodec.decode(raw);
        Statistics.collect(d instanceof SmmuEvent ? "decoded" : "error");
        if (d instanceof SmmuEvent e) {
            assertEquals(raw, e.encode());
        } else {
            EventDecodeError err = (EventDecodeError) d;
            assertEquals(raw, err.raw());
            assertFalse(err.reason().isBlank());
        }
    }

    @Example
    void generatorCoversEveryEventId() {
        Set<EventId> seen = EventArbitraries.events().sampleStream().limit(5000)
                .map(SmmuEvent::id).collect(Collectors.toCollection(() -> EnumSet.noneOf(EventId.class)));
        assertEquals(EnumSet.allOf(EventId.class), seen);
    }
}
