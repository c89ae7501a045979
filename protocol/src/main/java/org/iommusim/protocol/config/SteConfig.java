package org.iommusim.protocol.config;

import java.util.Optional;

/** The STE {@code Config} field: what the SMMU does with a stream's transactions. */
public enum SteConfig {
    /** Terminate every transaction, silently: no event is recorded. */
    ABORT(0b000),
    /** Both stages bypassed: the output address is the input address. */
    BYPASS(0b100),
    /** Stage 1 only, through the stream's CDs. */
    STAGE1(0b101),
    /** Stage 2 only, through the STE's stage-2 domain. */
    STAGE2(0b110),
    /** Stage 1 then stage 2. */
    NESTED(0b111);

    private final int code;

    SteConfig(int code) {
        this.code = code;
    }

    /**
     * The Config field's value.
     * @return the 3-bit code
     */
    public int code() {
        return code;
    }

    /**
     * Whether transactions go through a CD's stage 1.
     * @return true for STAGE1 and NESTED
     */
    public boolean usesStage1() {
        return this == STAGE1 || this == NESTED;
    }

    /**
     * Whether transactions go through stage 2.
     * @return true for STAGE2 and NESTED
     */
    public boolean usesStage2() {
        return this == STAGE2 || this == NESTED;
    }

    /**
     * The config with this Config value.
     * @return it, or empty for the values this enum does not name (0b001 to 0b011, out of range)
     */
    public static Optional<SteConfig> fromCode(int code) {
        for (SteConfig c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
