package org.iommusim.protocol.command;

import java.util.Optional;

/** The 24 SMMUv3 command opcodes ({@code dw0[7:0]}), named as in the architecture. */
public enum CommandOpcode {
    PREFETCH_CONFIG(0x01),
    PREFETCH_ADDR(0x02),
    CFGI_STE(0x03),
    /** With RANGE=31 this is CFGI_ALL. */
    CFGI_STE_RANGE(0x04),
    CFGI_CD(0x05),
    CFGI_CD_ALL(0x06),
    TLBI_NH_ALL(0x10),
    TLBI_NH_ASID(0x11),
    TLBI_NH_VA(0x12),
    TLBI_NH_VAA(0x13),
    TLBI_EL3_ALL(0x18),
    TLBI_EL3_VA(0x1A),
    TLBI_EL2_ALL(0x20),
    TLBI_EL2_ASID(0x21),
    TLBI_EL2_VA(0x22),
    TLBI_EL2_VAA(0x23),
    TLBI_S12_VMALL(0x28),
    TLBI_S2_IPA(0x2A),
    TLBI_NSNH_ALL(0x30),
    ATC_INV(0x40),
    PRI_RESP(0x41),
    RESUME(0x44),
    STALL_TERM(0x45),
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

    public int code() {
        return code;
    }

    public static Optional<CommandOpcode> fromCode(int code) {
        return code >= 0 && code < 256 ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    public static Optional<CommandOpcode> fromName(String name) {
        try {
            return Optional.of(valueOf(name.strip().toUpperCase()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
