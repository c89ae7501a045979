package org.iommusim.protocol.command;

import java.util.Optional;

/** The 24 SMMUv3 command opcodes ({@code dw0[7:0]}), named as in the architecture. */
public enum CommandOpcode {
    /** CMD_PREFETCH_CONFIG: prefetch a stream's configuration (a hint). */
    PREFETCH_CONFIG(0x01),
    /** CMD_PREFETCH_ADDR: prefetch translations for an address range (a hint). */
    PREFETCH_ADDR(0x02),
    /** CMD_CFGI_STE: invalidate cached configuration for one StreamID. */
    CFGI_STE(0x03),
    /** With RANGE=31 this is CFGI_ALL. */
    CFGI_STE_RANGE(0x04),
    /** CMD_CFGI_CD: invalidate one cached CD of a StreamID. */
    CFGI_CD(0x05),
    /** CMD_CFGI_CD_ALL: invalidate every cached CD of a StreamID. */
    CFGI_CD_ALL(0x06),
    /** CMD_TLBI_NH_ALL: invalidate all non-Hyp stage-1 TLB entries of a VMID. */
    TLBI_NH_ALL(0x10),
    /** CMD_TLBI_NH_ASID: invalidate the stage-1 entries of one ASID. */
    TLBI_NH_ASID(0x11),
    /** CMD_TLBI_NH_VA: invalidate stage-1 entries for a VA in one ASID. */
    TLBI_NH_VA(0x12),
    /** CMD_TLBI_NH_VAA: invalidate stage-1 entries for a VA in every ASID. */
    TLBI_NH_VAA(0x13),
    /** CMD_TLBI_EL3_ALL: invalidate all EL3 TLB entries. */
    TLBI_EL3_ALL(0x18),
    /** CMD_TLBI_EL3_VA: invalidate EL3 entries for a VA. */
    TLBI_EL3_VA(0x1A),
    /** CMD_TLBI_EL2_ALL: invalidate all EL2 TLB entries. */
    TLBI_EL2_ALL(0x20),
    /** CMD_TLBI_EL2_ASID: invalidate the EL2 entries of one ASID. */
    TLBI_EL2_ASID(0x21),
    /** CMD_TLBI_EL2_VA: invalidate EL2 entries for a VA in one ASID. */
    TLBI_EL2_VA(0x22),
    /** CMD_TLBI_EL2_VAA: invalidate EL2 entries for a VA in every ASID. */
    TLBI_EL2_VAA(0x23),
    /** CMD_TLBI_S12_VMALL: invalidate every stage-1 and stage-2 entry of a VMID. */
    TLBI_S12_VMALL(0x28),
    /** CMD_TLBI_S2_IPA: invalidate stage-2 entries for an IPA. */
    TLBI_S2_IPA(0x2A),
    /** CMD_TLBI_NSNH_ALL: invalidate every non-secure non-Hyp TLB entry. */
    TLBI_NSNH_ALL(0x30),
    /** CMD_ATC_INV: invalidate a device's ATC (ATS) entries. */
    ATC_INV(0x40),
    /** CMD_PRI_RESP: answer a PCIe page request group. */
    PRI_RESP(0x41),
    /** CMD_RESUME: retry or terminate one stalled transaction, named by its STAG. */
    RESUME(0x44),
    /** CMD_STALL_TERM: terminate every stalled transaction of a StreamID. */
    STALL_TERM(0x45),
    /** CMD_SYNC: completes once every earlier command has taken effect. */
    CMD_SYNC(0x46);

    private static final CommandOpcode[] BY_CODE = new CommandOpcode[256];

    static {
        for (CommandOpcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    CommandOpcode(int code) {
        this.code = code;
    }

    /**
     * The opcode field's value.
     * @return the 8-bit code in {@code dw0[7:0]}
     */
    public int code() {
        return code;
    }

    /**
     * The opcode with this code.
     * @return the opcode, or empty for a reserved or out-of-range code (never throws)
     */
    public static Optional<CommandOpcode> fromCode(int code) {
        return code >= 0 && code < 256 ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /**
     * The opcode with this constant name, case-insensitive, surrounding blanks ignored (e.g. {@code tlbi_nh_va},
     * {@code cmd_sync}).
     * @return the opcode, or empty for an unknown name
     * @throws NullPointerException if {@code name} is null
     */
    public static Optional<CommandOpcode> fromName(String name) {
        try {
            return Optional.of(valueOf(name.strip().toUpperCase()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
