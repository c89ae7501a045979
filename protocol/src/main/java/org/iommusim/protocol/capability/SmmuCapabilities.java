package org.iommusim.protocol.capability;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;

/**
 * What one SMMU advertises (the model's view of its ID registers), and the
 * sizes of its queues and of its TBUs' TLBs. Every component that can refuse a request
 * (the command queue, domain allocation, the iommufd-style host interface)
 * decides against this record, so a feature the SMMU lacks is refused, never
 * silently accepted.
 *
 * @param stage1       IDR0.S1P
 * @param stage2       IDR0.S2P
 * @param ril          IDR3.RIL: range TLBIs (TG/SCALE/NUM/TTL) are accepted
 * @param hyp          IDR0.HYP: TLBI_EL2_* are accepted
 * @param secure       the model has a Secure command queue: TLBI_EL3_* are accepted
 * @param ats          IDR0.ATS: ATC_INV is meaningful
 * @param pri          IDR0.PRI: PRI_RESP is meaningful
 * @param stall        stall model supported: RESUME and STALL_TERM are meaningful
 * @param asidBits     8 or 16 (IDR0.ASID16)
 * @param vmidBits     8 or 16 (IDR0.VMID16)
 * @param sidBits      IDR1.SIDSIZE, 0..32
 * @param ssidBits     IDR1.SSIDSIZE, 0..20
 * @param granules     IDR5.GRAN4K/16K/64K
 * @param oas          IDR5.OAS in bits
 * @param cmdqs        log2 of the command-queue capacity (IDR1.CMDQS, at most 19)
 * @param eventqs      log2 of the event-queue capacity (IDR1.EVTQS, at most 19)
 * @param iotlbEntries entries of the TLB of each TBU not described in {@code tbus}
 * @param iotlbPolicy  its replacement policy
 * @param iotlbSeed    its seed for {@link IotlbPolicy#RANDOM}
 * @param tbus         the TLB of each TBU (TBU k is {@code tbus.get(k)}); empty: one TBU, a fully
 *                     associative TLB of {@code iotlbEntries} under {@code iotlbPolicy}
 * @param streamTbus   StreamID to TBU index; a stream not named is served by TBU 0
 * @param httu         IDR0.HTTU != 0: hardware update of the Access flag, enabled per
 *                     table by CD.HA / STE.S2HA (dirty-state update is not modelled)
 * @param tcu          the TCU's caches: configuration cache, walk caches, IPA cache
 * @param twoLevelStreamTables IDR0.ST_LEVEL = 0b01 (the default, as MMU-600/700): software may
 *                     program a two-level stream table (Arm IHI 0070, 3.3.2); 0b00 (false): linear only
 */
public record SmmuCapabilities(
        boolean stage1, boolean stage2, boolean ril, boolean hyp, boolean secure,
        boolean ats, boolean pri, boolean stall,
        int asidBits, int vmidBits, int sidBits, int ssidBits,
        Set<Granule> granules, int oas, int cmdqs, int eventqs,
        int iotlbEntries, IotlbPolicy iotlbPolicy, long iotlbSeed,
        List<TbuTlb> tbus, Map<Integer, Integer> streamTbus, boolean httu, TcuCaches tcu,
        boolean twoLevelStreamTables) {

    /**
     * Checks the fields and copies the collections (the record is immutable and safe to share between threads).
     * @throws IllegalArgumentException if neither stage is supported; {@code asidBits} or {@code vmidBits} is
     *        not 8 or 16; {@code sidBits} is outside 0..32, {@code ssidBits} 0..20, {@code cmdqs} or
     *        {@code eventqs} 0..19, {@code iotlbEntries} 1..2^24; {@code granules} is null or empty; {@code oas}
     *        is not an architected output size; {@code iotlbPolicy} or {@code tcu} is null; there are more than
     *        {@link #MAX_TBUS} TBUs; or a stream is assigned to a TBU that does not exist
     */
    public SmmuCapabilities {
        if (!stage1 && !stage2) {
            throw new IllegalArgumentException("an SMMU needs at least one translation stage");
        }
        if (asidBits != 8 && asidBits != 16) {
            throw new IllegalArgumentException("asidBits=" + asidBits + " must be 8 or 16");
        }
        if (vmidBits != 8 && vmidBits != 16) {
            throw new IllegalArgumentException("vmidBits=" + vmidBits + " must be 8 or 16");
        }
        check("sidBits", sidBits, 0, 32);
        check("ssidBits", ssidBits, 0, 20);
        check("cmdqs", cmdqs, 0, 19);
        check("eventqs", eventqs, 0, 19);
        check("iotlbEntries", iotlbEntries, 1, 1 << 24);
        if (granules == null || granules.isEmpty()) {
            throw new IllegalArgumentException("an SMMU supports at least one granule");
        }
        granules = Set.copyOf(granules);
        if (!DomainSpec.OUTPUT_SIZES.contains(oas)) {
            throw new IllegalArgumentException("oas=" + oas + " is not one of " + DomainSpec.OUTPUT_SIZES);
        }
        if (iotlbPolicy == null) {
            throw new IllegalArgumentException("an IOTLB policy is required");
        }
        if (tcu == null) {
            throw new IllegalArgumentException("the TCU caches are required");
        }
        tbus = tbus == null ? List.of() : List.copyOf(tbus);
        if (tbus.size() > MAX_TBUS) {
            throw new IllegalArgumentException("an SMMU has 1.." + MAX_TBUS + " TBUs, got " + tbus.size());
        }
        streamTbus = streamTbus == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(streamTbus));
        int count = Math.max(1, tbus.size());
        for (Map.Entry<Integer, Integer> e : streamTbus.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue() < 0 || e.getValue() >= count) {
                throw new IllegalArgumentException("stream " + e.getKey() + " is assigned to TBU " + e.getValue()
                        + ", but the SMMU has TBUs 0.." + (count - 1));
            }
        }
    }

    /** TBUs per SMMU at most (the translation pool splits a burst by TBU in a 64-bit set). */
    public static final int MAX_TBUS = 64;

    /** How many TBUs the SMMU has (at least one). */
    public int tbuCount() {
        return Math.max(1, tbus.size());
    }

    /** The TLB of TBU {@code k}. */
    public TbuTlb tbu(int k) {
        if (k < 0 || k >= tbuCount()) {
            throw new IllegalArgumentException("TBU " + k + " of " + tbuCount());
        }
        return tbus.isEmpty() ? TbuTlb.fullyAssociative(iotlbEntries, iotlbPolicy, iotlbSeed) : tbus.get(k);
    }

    /** The TBU serving stream {@code sid}: as assigned, else TBU 0. */
    public int tbuOf(int sid) {
        Integer k = streamTbus.isEmpty() ? null : streamTbus.get(sid);
        return k == null ? 0 : k;
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + " is outside " + min + ".." + max);
        }
    }

    /** Both stages, RIL, 16-bit ASID/VMID, 16-bit SIDs, 20-bit SSIDs, all granules, 48-bit OAS, 256-entry command queue. */
    public static SmmuCapabilities defaults() {
        return builder().build();
    }

    /**
     * A builder preset to {@link #defaults()}.
     * @return a new, unshared builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset to this record's values, for changing a few of them.
     * @return a new, unshared builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.stage1 = stage1; b.stage2 = stage2; b.ril = ril; b.hyp = hyp; b.secure = secure;
        b.ats = ats; b.pri = pri; b.stall = stall;
        b.asidBits = asidBits; b.vmidBits = vmidBits; b.sidBits = sidBits; b.ssidBits = ssidBits;
        b.granules = EnumSet.copyOf(granules); b.oas = oas; b.cmdqs = cmdqs; b.eventqs = eventqs;
        b.iotlbEntries = iotlbEntries; b.iotlbPolicy = iotlbPolicy; b.iotlbSeed = iotlbSeed;
        b.tbus = tbus; b.streamTbus = streamTbus;
        b.httu = httu;
        b.tcu = tcu;
        b.twoLevelStreamTables = twoLevelStreamTables;
        return b;
    }

    /**
     * How many commands the command queue holds.
     * @return 2^{@code cmdqs} entries
     */
    public int commandQueueCapacity() {
        return 1 << cmdqs;
    }

    /**
     * How many records the event queue holds.
     * @return 2^{@code eventqs} entries
     */
    public int eventQueueCapacity() {
        return 1 << eventqs;
    }

    /**
     * The SMMU's IAS, the largest IPA it handles: Arm IHI 0070, 3.4 "Address
     * sizes", gives IAS = MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0); the model
     * implements only VMSAv8-64 tables (TTF = 0b10), so IAS = OAS.
     */
    public int ias() {
        return oas;
    }

    /**
     * Whether stage 1 can be nested over stage 2.
     * @return true when both stages are supported
     */
    public boolean supportsNesting() {
        return stage1 && stage2;
    }

    /**
     * Whether a StreamID is below 2^{@code sidBits}.
     * @return false for a negative or too-wide value (never throws)
     */
    public boolean sidInRange(long sid) {
        return sid >= 0 && (sidBits == 32 || sid >>> sidBits == 0);
    }

    /**
     * Whether a SubstreamID is below 2^{@code ssidBits}.
     * @return false for a negative or too-wide value (never throws)
     */
    public boolean ssidInRange(long ssid) {
        return ssid >= 0 && ssid >>> ssidBits == 0;
    }

    /**
     * Whether an ASID is below 2^{@code asidBits}.
     * @return false for a negative or too-wide value (never throws)
     */
    public boolean asidInRange(long asid) {
        return asid >= 0 && asid >>> asidBits == 0;
    }

    /**
     * Whether a VMID is below 2^{@code vmidBits}.
     * @return false for a negative or too-wide value (never throws)
     */
    public boolean vmidInRange(long vmid) {
        return vmid >= 0 && vmid >>> vmidBits == 0;
    }

    /**
     * Mutable builder with the {@link #defaults()} values preset; not thread-safe: use it from one thread.
     * The setters take any value; {@link #build()} checks them all at once, as the record's constructor.
     */
    public static final class Builder {
        private boolean stage1 = true, stage2 = true, ril = true, hyp = false, secure = false;
        private boolean ats = false, pri = false, stall = false;
        private int asidBits = 16, vmidBits = 16, sidBits = 16, ssidBits = 20;
        private Set<Granule> granules = EnumSet.allOf(Granule.class);
        private int oas = 48, cmdqs = 8, eventqs = 7;
        private int iotlbEntries = 2048;
        private IotlbPolicy iotlbPolicy = IotlbPolicy.LRU;
        private long iotlbSeed = 1;
        private List<TbuTlb> tbus = List.of();
        private Map<Integer, Integer> streamTbus = Map.of();
        private boolean httu = false;
        private TcuCaches tcu = TcuCaches.defaults();
        private boolean twoLevelStreamTables = true;

        /** Sets {@code stage1}, IDR0.S1P; returns this builder. */
        public Builder stage1(boolean v) { stage1 = v; return this; }
        /** Sets {@code stage2}, IDR0.S2P; returns this builder. */
        public Builder stage2(boolean v) { stage2 = v; return this; }
        /** Sets {@code ril}, IDR3.RIL; returns this builder. */
        public Builder ril(boolean v) { ril = v; return this; }
        /** Sets {@code hyp}, IDR0.HYP; returns this builder. */
        public Builder hyp(boolean v) { hyp = v; return this; }
        /** Sets {@code secure}, the Secure command queue; returns this builder. */
        public Builder secure(boolean v) { secure = v; return this; }
        /** Sets {@code ats}, IDR0.ATS; returns this builder. */
        public Builder ats(boolean v) { ats = v; return this; }
        /** Sets {@code pri}, IDR0.PRI; returns this builder. */
        public Builder pri(boolean v) { pri = v; return this; }
        /** Sets {@code stall}, stall model support; returns this builder. */
        public Builder stall(boolean v) { stall = v; return this; }
        /** Sets {@code asidBits}, the ASID width, 8 or 16; returns this builder. */
        public Builder asidBits(int v) { asidBits = v; return this; }
        /** Sets {@code vmidBits}, the VMID width, 8 or 16; returns this builder. */
        public Builder vmidBits(int v) { vmidBits = v; return this; }
        /** Sets {@code sidBits}, IDR1.SIDSIZE, 0..32; returns this builder. */
        public Builder sidBits(int v) { sidBits = v; return this; }
        /** Sets {@code ssidBits}, IDR1.SSIDSIZE, 0..20; returns this builder. */
        public Builder ssidBits(int v) { ssidBits = v; return this; }
        /** Sets {@code granules}, the supported granules; returns this builder. */
        public Builder granules(Set<Granule> v) { granules = v; return this; }
        /** Sets {@code oas}, IDR5.OAS in bits; returns this builder. */
        public Builder oas(int v) { oas = v; return this; }
        /** Sets {@code cmdqs}, log2 of the command-queue capacity, 0..19; returns this builder. */
        public Builder cmdqs(int v) { cmdqs = v; return this; }
        /** Sets {@code eventqs}, log2 of the event-queue capacity, 0..19; returns this builder. */
        public Builder eventqs(int v) { eventqs = v; return this; }
        /** Sets {@code iotlbEntries}, the default TBU TLB's entries, 1..2^24; returns this builder. */
        public Builder iotlbEntries(int v) { iotlbEntries = v; return this; }
        /** Sets {@code iotlbPolicy}, the default TBU TLB's replacement policy; returns this builder. */
        public Builder iotlbPolicy(IotlbPolicy v) { iotlbPolicy = v; return this; }
        /** Sets {@code iotlbSeed}, the seed of a RANDOM replacement policy; returns this builder. */
        public Builder iotlbSeed(long v) { iotlbSeed = v; return this; }
        /** Sets {@code tbus}, the TLB of each TBU; returns this builder. */
        public Builder tbus(List<TbuTlb> v) { tbus = v; return this; }
        /** Sets {@code streamTbus}, StreamID to TBU index; returns this builder. */
        public Builder streamTbus(Map<Integer, Integer> v) { streamTbus = v; return this; }
        /** Sets {@code httu}, hardware Access-flag update (IDR0.HTTU); returns this builder. */
        public Builder httu(boolean v) { httu = v; return this; }
        /** Sets {@code tcu}, the TCU's caches; returns this builder. */
        public Builder tcu(TcuCaches v) { tcu = v; return this; }
        /** Sets {@code twoLevelStreamTables}, IDR0.ST_LEVEL two-level support; returns this builder. */
        public Builder twoLevelStreamTables(boolean v) { twoLevelStreamTables = v; return this; }

        /**
         * Builds the capabilities; the builder may be reused.
         * @return a new record
         * @throws IllegalArgumentException as the record's constructor, naming the bad field
         */
        public SmmuCapabilities build() {
            return new SmmuCapabilities(stage1, stage2, ril, hyp, secure, ats, pri, stall,
                    asidBits, vmidBits, sidBits, ssidBits, granules, oas, cmdqs, eventqs,
                    iotlbEntries, iotlbPolicy, iotlbSeed, tbus, streamTbus, httu, tcu, twoLevelStreamTables);
        }
    }
}
