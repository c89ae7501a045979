package org.iommusim.protocol.config;

import java.util.Optional;

/** The STE {@code Config} field: what the SMMU does with a stream's transactions. */
public enum SteConfig {
    /** Terminate every transaction, silently: no event is recorded. */
    ABORT(0b000),
    BYPASS(0b100),
    STAGE1(0b101),
    STAGE2(0b110),
    /** Stage 1 then stage 2. */
    NESTED(0b111);

    private final int code;

    SteConfig(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean usesStage1() {
        return this == STAGE1 || this == NESTED;
    }

    public boolean usesStage2() {
        return this == STAGE2 || this == NESTED;
    }

    public static Optional<SteConfig> fromCode(int code) {
        for (SteConfig c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
