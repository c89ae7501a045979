package org.iommusim.protocol.event;

import java.util.Objects;
import java.util.Optional;
import org.iommusim.protocol.bits.Bits;

/**
 * Decodes event queue records. Total on its input: any four words give either
 * an {@link SmmuEvent} or an {@link EventDecodeError}, never an exception.
 *
 * <p>Anything the event type does not carry must be zero, as must reserved
 * bits, so a successful decode is lossless: {@code decode(raw).encode()}
 * equals {@code raw}. Encoding lives on the records ({@link SmmuEvent#encode()}).
 */
public final class EventCodec {
    private EventCodec() {}

    /** Decodes the 32 bytes at {@code offset}; the array must hold them. */
    public static EventDecode decode(byte[] bytes, int offset) {
        return decode(RawEvent.fromBytes(bytes, offset));
    }

    /** Decodes four words; the reason in an error names the first problem found. */
    public static EventDecode decode(RawEvent raw) {
        Objects.requireNonNull(raw, "raw");
        int type = (int) Bits.get(raw.dw0(), EventLayout.TYPE_HI, EventLayout.TYPE_LO);
        Optional<EventId> maybeId = EventId.fromCode(type);
        if (maybeId.isEmpty()) {
            return new EventDecodeError(raw, String.format("unknown event id 0x%02x", type));
        }
        EventId id = maybeId.get();
        String problem = problem(id, raw);
        if (problem != null) {
            return new EventDecodeError(raw, problem);
        }
        return build(id, raw);
    }

    /**
     * The first reason these words are not a well-formed {@code id} event, or
     * null. Checks run from the most to the least structural problem, so the
     * reason names the one a human should look at first.
     */
    private static String problem(EventId id, RawEvent raw) {
        EventKind kind = id.kind();
        long reserved0 = raw.dw0() & ~EventLayout.DW0_FIELDS;
        if (reserved0 != 0) {
            return "reserved bits set in dw0: " + hex(reserved0);
        }
        long reserved1 = raw.dw1() & ~EventLayout.DW1_FIELDS;
        if (reserved1 != 0) {
            return "reserved bits set in dw1: " + hex(reserved1);
        }
        long unused1 = raw.dw1() & ~EventLayout.dw1Carried(kind);
        if (unused1 != 0) {
            return "unused bits set in dw1 for " + id.referenceName() + ": " + hex(unused1);
        }
        if (!EventLayout.carriesDw2(kind) && raw.dw2() != 0) {
            return "unused bits set in dw2 for " + id.referenceName() + ": " + hex(raw.dw2());
        }
        if (!EventLayout.carriesDw3(kind) && raw.dw3() != 0) {
            return "unused bits set in dw3 for " + id.referenceName() + ": " + hex(raw.dw3());
        }
        long aboveAddress = raw.dw3() & EventLayout.DW3_ABOVE_ADDRESS;
        if (aboveAddress != 0) {
            String field = kind == EventKind.FETCH_ABORT ? "fetch address" : "ipa";
            return field + " bits above 51 set in dw3: " + hex(aboveAddress);
        }
        long belowIpa = raw.dw3() & EventLayout.DW3_BELOW_IPA;
        if (kind == EventKind.TRANSLATION_FAULT && belowIpa != 0) {
            return "ipa bits [11:0] set in dw3 (the field is IPA[51:12]): " + hex(belowIpa);
        }
        int cls = (int) Bits.get(raw.dw1(), EventLayout.CLASS_HI, EventLayout.CLASS_LO);
        if (EventClass.fromCode(cls).isEmpty()) {
            return "reserved class value " + cls;
        }
        return flagProblem(kind, raw);
    }

    /** Fields that only exist under a flag must be zero without it (see {@link SmmuEvent}). */
    private static String flagProblem(EventKind kind, RawEvent raw) {
        long ssid = Bits.get(raw.dw0(), EventLayout.SSID_HI, EventLayout.SSID_LO);
        if (ssid != 0 && !Bits.bit(raw.dw0(), EventLayout.SSV)) {
            return "ssid " + hex(ssid) + " set without ssv";
        }
        long stag = Bits.get(raw.dw1(), EventLayout.STAG_HI, EventLayout.STAG_LO);
        if (stag != 0 && !Bits.bit(raw.dw1(), EventLayout.STALL)) {
            return "stag " + hex(stag) + " set without stall";
        }
        // A fetch abort's dw3 is a fetch address, not an IPA, so has no S2 to pair with.
        if (kind == EventKind.TRANSLATION_FAULT && raw.dw3() != 0 && !Bits.bit(raw.dw1(), EventLayout.S2)) {
            return "ipa " + hex(raw.dw3()) + " set without s2";
        }
        return null;
    }

    private static EventDecode build(EventId id, RawEvent raw) {
        Origin o = EventLayout.origin(raw.dw0());
        return switch (id) {
            case C_BAD_STREAMID -> new CBadStreamId(o);
            case C_BAD_STE -> new CBadSte(o);
            case F_STREAM_DISABLED -> new FStreamDisabled(o);
            case C_BAD_SUBSTREAMID -> new CBadSubstreamId(o);
            case C_BAD_CD -> new CBadCd(o);
            case F_CFG_CONFLICT -> new FCfgConflict(o);
            case F_STE_FETCH -> new FSteFetch(o, raw.dw3());
            case F_CD_FETCH -> new FCdFetch(o, raw.dw3());
            case F_VMS_FETCH -> new FVmsFetch(o, raw.dw3());
            case E_PAGE_REQUEST -> new EPageRequest(o, EventLayout.access(raw.dw1()), raw.dw2());
            case F_UUT -> translation(FUut::new, o, raw);
            case F_BAD_ATS_TREQ -> translation(FBadAtsTreq::new, o, raw);
            case F_TRANSL_FORBIDDEN -> translation(FTranslForbidden::new, o, raw);
            case F_WALK_EABT -> translation(FWalkEabt::new, o, raw);
            case F_TRANSLATION -> translation(FTranslation::new, o, raw);
            case F_ADDR_SIZE -> translation(FAddrSize::new, o, raw);
            case F_ACCESS -> translation(FAccess::new, o, raw);
            case F_PERMISSION -> translation(FPermission::new, o, raw);
            case F_TLB_CONFLICT -> translation(FTlbConflict::new, o, raw);
        };
    }

    /** The shared constructor shape of every {@link TranslationFault} record. */
    @FunctionalInterface
    private interface TranslationConstructor {
        TranslationFault create(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova);
    }

    private static TranslationFault translation(TranslationConstructor ctor, Origin o, RawEvent raw) {
        return ctor.create(o, EventLayout.stall(raw.dw1()), EventLayout.access(raw.dw1()),
                EventLayout.walk(raw.dw1(), raw.dw3()), raw.dw2());
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
