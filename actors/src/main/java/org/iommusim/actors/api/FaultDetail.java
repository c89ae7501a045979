package org.iommusim.actors.api;

import java.util.Optional;
import java.util.OptionalLong;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.EventId;
import org.iommusim.protocol.event.EventKind;
import org.iommusim.protocol.event.FetchAbort;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.TranslationFault;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * The fields of a fault, typed: what a VMM needs to route a fault (a stage-1
 * fault to the guest, a stage-2 fault to itself) without parsing
 * {@code toText()}. Read from the event record the model wrote to the SMMU's
 * event queue (Arm IHI 0070, 7.3). Immutable, safe to share between threads.
 *
 * @param id           the event type (F_TRANSLATION, F_PERMISSION, C_BAD_STE, ...)
 * @param sid          the StreamID of the transaction
 * @param ssid         the SubstreamID, empty when the transaction had none (SSV=0)
 * @param stage        for a translation fault (kind {@link EventKind#TRANSLATION_FAULT}): the stage that
 *                     faulted (the record's S2 bit); empty for configuration errors and fetch aborts
 * @param eventClass   for a translation fault: CLASS, the access the fault happened on (the CD fetch,
 *                     a table walk, or the input address itself); empty otherwise
 * @param inputAddress for a translation fault: the transaction's input address (IOVA); empty otherwise
 * @param ipa          for a stage-2 translation fault: the IPA that stage 2 refused (for CLASS=TT or CD,
 *                     the address of the descriptor read); empty otherwise
 * @param record       the event record itself, as the event queue holds it
 */
public record FaultDetail(EventId id, int sid, OptionalLong ssid, Optional<Stage> stage,
        Optional<EventClass> eventClass, OptionalLong inputAddress, OptionalLong ipa, SmmuEvent record) {

    /** The stage of translation a fault happened in. */
    public enum Stage {
        /** Stage 1 (VA to IPA or PA): the guest's or the host's stage-1 tables and CDs. */
        STAGE_1,
        /** Stage 2 (IPA to PA): the hypervisor's tables; in a nested stream, also a stage-1 descriptor fetch. */
        STAGE_2
    }

    /** Refuses null components (use the empty optionals). */
    public FaultDetail {
        if (id == null || ssid == null || stage == null || eventClass == null || inputAddress == null || ipa == null
                || record == null) {
            throw new IllegalArgumentException("a fault detail has every component (empty optionals for absent fields)");
        }
    }

    /**
     * The typed fields of {@code event}.
     *
     * @throws IllegalArgumentException if {@code event} is null
     */
    public static FaultDetail of(SmmuEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        OptionalLong ssid = event.origin().ssv() ? OptionalLong.of(Integer.toUnsignedLong(event.origin().ssid()))
                : OptionalLong.empty();
        if (event instanceof TranslationFault f) {
            boolean s2 = f.walk().s2();
            return new FaultDetail(event.id(), event.sid(), ssid, Optional.of(s2 ? Stage.STAGE_2 : Stage.STAGE_1),
                    Optional.of(f.walk().eventClass()), OptionalLong.of(f.iova()),
                    s2 ? OptionalLong.of(f.walk().ipa()) : OptionalLong.empty(), event);
        }
        return new FaultDetail(event.id(), event.sid(), ssid, Optional.empty(), Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), event);
    }

    /**
     * The fault of {@code result}, or empty when it translated or was terminated
     * without an event (STE.Config ABORT). Works on any result: from
     * {@link IommuSim#translate}, a burst, or a {@link TranslationPort}.
     *
     * @throws IllegalArgumentException if {@code result} is null
     */
    public static Optional<FaultDetail> of(TranslationResult result) {
        if (result == null) {
            throw new IllegalArgumentException("result must not be null");
        }
        return result instanceof Faulted f ? Optional.of(of(f.event())) : Optional.empty();
    }

    /** The shape of the record: a translation fault, a configuration error, a fetch abort or a page request. */
    public EventKind kind() {
        return id.kind();
    }

    /**
     * For a fetch abort (F_STE_FETCH, F_CD_FETCH, F_VMS_FETCH): the physical address whose fetch aborted (the
     * record's FetchAddr); empty for any other event.
     */
    public OptionalLong fetchAddress() {
        return record instanceof FetchAbort a ? OptionalLong.of(a.fetchAddress()) : OptionalLong.empty();
    }

    /** True for a stage-2 translation fault (the record's S2 bit). */
    public boolean isStage2() {
        return stage.orElse(null) == Stage.STAGE_2;
    }
}
