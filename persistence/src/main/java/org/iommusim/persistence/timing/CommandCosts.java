package org.iommusim.persistence.timing;

import org.iommusim.protocol.command.CommandOpcode;

/**
 * What the SMMU spends consuming one command of each kind, in virtual
 * nanoseconds. An address-based TLBI (one page or one RIL range) walks the
 * TLBs' sets it names; a whole-context TLBI (ASID, VMID, ALL) sweeps every
 * entry; a CMD_SYNC costs its completion signal (the MSI write or the
 * queue-entry write the CPU polls). Calibrated against the reference's
 * section 10 (docs/VALIDATION.md).
 */
public record CommandCosts(long tlbiVaNs, long tlbiAllNs, long cfgiNs, long atcNs, long syncNs, long otherNs) {

    public CommandCosts {
        if (tlbiVaNs < 0 || tlbiAllNs < 0 || cfgiNs < 0 || atcNs < 0 || syncNs < 0 || otherNs < 0) {
            throw new IllegalArgumentException("command costs must be >= 0 ns");
        }
    }

    public static CommandCosts defaults() {
        return new CommandCosts(50, 200, 60, 500, 100, 20);
    }

    /** This table with every address-based TLBI costing {@code ns}. */
    public CommandCosts withTlbiVaNs(long ns) {
        return new CommandCosts(ns, tlbiAllNs, cfgiNs, atcNs, syncNs, otherNs);
    }

    /** This table with a CMD_SYNC costing {@code ns}. */
    public CommandCosts withSyncNs(long ns) {
        return new CommandCosts(tlbiVaNs, tlbiAllNs, cfgiNs, atcNs, ns, otherNs);
    }

    /** The cost of consuming one command of kind {@code op}. */
    public long of(CommandOpcode op) {
        return switch (op) {
            case TLBI_NH_VA, TLBI_NH_VAA, TLBI_EL2_VA, TLBI_EL2_VAA, TLBI_EL3_VA, TLBI_S2_IPA -> tlbiVaNs;
            case TLBI_NH_ALL, TLBI_NH_ASID, TLBI_EL2_ALL, TLBI_EL2_ASID, TLBI_EL3_ALL, TLBI_S12_VMALL,
                    TLBI_NSNH_ALL -> tlbiAllNs;
            case CFGI_STE, CFGI_STE_RANGE, CFGI_CD, CFGI_CD_ALL -> cfgiNs;
            case ATC_INV -> atcNs;
            case CMD_SYNC -> syncNs;
            default -> otherNs;
        };
    }
}
