package org.iommusim.protocol.command;

/**
 * Which address TLBI a range is built from, and the whole-context command a
 * driver falls back to when per-page commands would be too many.
 */
public sealed interface RangeTarget {
    /**
     * The address TLBI for {@code address} with these range fields.
     * @return the command
     * @throws IllegalArgumentException if {@code address} is not 4K aligned (or, at stage 2, above 2^52)
     */
    TlbiCommand at(long address, boolean leaf, TlbiRange range);

    /**
     * The command that drops the whole ASID (stage 1) or VMID (stage 2).
     * @return the command
     */
    TlbiCommand wholeContext();

    /** Stage 1 (or a nested domain's stage 1): NH_VA, falling back to NH_ASID. */
    static RangeTarget stage1(int vmid, int asid) {
        return new Stage1(vmid, asid);
    }

    /** Stage 2: S2_IPA, falling back to S12_VMALL as Linux does for a stage-2 domain. */
    static RangeTarget stage2(int vmid) {
        return new Stage2(vmid);
    }

    /** Stage-1 target: TLBI_NH_VA in one ASID of one VMID; whole context is TLBI_NH_ASID. */
    record Stage1(int vmid, int asid) implements RangeTarget {
        @Override
        public TlbiCommand at(long address, boolean leaf, TlbiRange range) {
            return new TlbiNhVa(vmid, asid, address, leaf, range);
        }

        @Override
        public TlbiCommand wholeContext() {
            return new TlbiNhAsid(vmid, asid);
        }
    }

    /** Stage-2 target: TLBI_S2_IPA in one VMID; whole context is TLBI_S12_VMALL. */
    record Stage2(int vmid) implements RangeTarget {
        @Override
        public TlbiCommand at(long address, boolean leaf, TlbiRange range) {
            return new TlbiS2Ipa(vmid, address, leaf, range);
        }

        @Override
        public TlbiCommand wholeContext() {
            return new TlbiS12Vmall(vmid);
        }
    }
}
