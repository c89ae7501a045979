package org.iommusim.protocol.event;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid events, covering every event ID and every field's full range. */
final class EventArbitraries {
    private EventArbitraries() {}

    private static final long BELOW_2_52 = (1L << 52) - 1;

    static Arbitrary<SmmuEvent> events() {
        return Arbitraries.of(EventId.class).flatMap(EventArbitraries::eventOf);
    }

    static Arbitrary<Origin> origins() {
        Arbitrary<Origin> streams = Arbitraries.integers().map(sid -> new Origin(sid, false, 0));
        Arbitrary<Origin> substreams = Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 0xfffff))
                .as((sid, ssid) -> new Origin(sid, true, ssid));
        return Arbitraries.oneOf(streams, substreams);
    }

    static Arbitrary<Stall> stalls() {
        return Arbitraries.oneOf(Arbitraries.just(Stall.NONE), Arbitraries.integers().between(0, 0xffff).map(Stall::tagged));
    }

    static Arbitrary<AccessAttributes> accesses() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(AccessAttributes::new);
    }

    static Arbitrary<WalkInfo> walks() {
        Arbitrary<EventClass> classes = Arbitraries.of(EventClass.class);
        return Arbitraries.oneOf(
                classes.map(WalkInfo::stage1),
                Combinators.combine(classes, Arbitraries.longs().between(0, BELOW_2_52).map(ipa -> ipa & ~0xFFFL))
                        .as(WalkInfo::stage2));
    }

    /** The test's own ID-to-record table, so generation does not lean on the codec's. */
    static Arbitrary<SmmuEvent> eventOf(EventId id) {
        return switch (id) {
            case F_UUT -> translation(FUut::new);
            case F_BAD_ATS_TREQ -> translation(FBadAtsTreq::new);
            case F_TRANSL_FORBIDDEN -> translation(FTranslForbidden::new);
            case F_WALK_EABT -> translation(FWalkEabt::new);
            case F_TRANSLATION -> translation(FTranslation::new);
            case F_ADDR_SIZE -> translation(FAddrSize::new);
            case F_ACCESS -> translation(FAccess::new);
            case F_PERMISSION -> translation(FPermission::new);
            case F_TLB_CONFLICT -> translation(FTlbConflict::new);
            case C_BAD_STREAMID -> origins().map(CBadStreamId::new);
            case C_BAD_STE -> origins().map(CBadSte::new);
            case F_STREAM_DISABLED -> origins().map(FStreamDisabled::new);
            case C_BAD_SUBSTREAMID -> origins().map(CBadSubstreamId::new);
            case C_BAD_CD -> origins().map(CBadCd::new);
            case F_CFG_CONFLICT -> origins().map(FCfgConflict::new);
            case F_STE_FETCH -> fetch(FSteFetch::new);
            case F_CD_FETCH -> fetch(FCdFetch::new);
            case F_VMS_FETCH -> fetch(FVmsFetch::new);
            case E_PAGE_REQUEST -> Combinators.combine(origins(), accesses(), Arbitraries.longs())
                    .as(EPageRequest::new);
        };
    }

    interface TranslationCtor {
        SmmuEvent create(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova);
    }

    interface FetchCtor {
        SmmuEvent create(Origin origin, long fetchAddress);
    }

    private static Arbitrary<SmmuEvent> translation(TranslationCtor ctor) {
        return Combinators.combine(origins(), stalls(), accesses(), walks(), Arbitraries.longs())
                .as(ctor::create);
    }

    private static Arbitrary<SmmuEvent> fetch(FetchCtor ctor) {
        return Combinators.combine(origins(), Arbitraries.longs().between(0, BELOW_2_52)).as(ctor::create);
    }
}
