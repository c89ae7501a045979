package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/** CMD_RESUME: retry or terminate a stalled transaction, named by its STAG. */
public record Resume(int sid, ResumeAction resp, int stag) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code resp} is null or {@code stag} is outside 0..65535
     */
    public Resume {
        if (resp == null) {
            throw new IllegalArgumentException("RESUME needs an action");
        }
        Bits.requireRange("stag", stag, 0, 0xFFFF);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.RESUME;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(resp.ordinal(), 13, 12) | Fields.sid(sid),
                Bits.put(stag, 15, 0));
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).hex("sid", Integer.toUnsignedLong(sid)).word("resp", resp.name())
                .hex("stag", stag).toString();
    }
}
