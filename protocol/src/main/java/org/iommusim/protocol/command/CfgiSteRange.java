package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_CFGI_STE_RANGE: drop the cached STEs of 2^(RANGE+1) streams starting at
 * SID aligned down to that size. RANGE=31 covers every stream: CFGI_ALL.
 */
public record CfgiSteRange(int sid, int range) implements Command {
    /** The RANGE value that covers every StreamID (CFGI_ALL). */
    public static final int ALL = 31;

    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code range} is outside 0..31
     */
    public CfgiSteRange {
        Bits.requireRange("range", range, 0, 31);
    }

    /**
     * CFGI_ALL: every stream's cached configuration.
     * @return the command with RANGE=31
     */
    public static CfgiSteRange all() {
        return new CfgiSteRange(0, ALL);
    }

    /**
     * Whether this is CFGI_ALL.
     * @return true when RANGE is {@link #ALL}
     */
    public boolean isAll() {
        return range == ALL;
    }

    /** The first StreamID covered (SID aligned down to the range size). */
    public long firstSid() {
        return isAll() ? 0 : Integer.toUnsignedLong(sid) & ~(streamCount() - 1);
    }

    /** 2^(RANGE+1) streams; RANGE=31 covers all 2^32. */
    public long streamCount() {
        return 1L << (range + 1);
    }

    /**
     * Whether a StreamID is in the range.
     * @return true when {@code streamId} (a StreamID, 0..2^32-1) is in [firstSid, firstSid + streamCount)
     */
    public boolean covers(long streamId) {
        return streamId >= firstSid() && streamId < firstSid() + streamCount();
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.CFGI_STE_RANGE;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Fields.sid(sid), Bits.put(range, 4, 0));
    }

    @Override
    public String toText() {
        return TextLine.of(isAll() ? "CFGI_ALL" : opcode().name()).hex("sid", Integer.toUnsignedLong(sid))
                .dec("range", range).hex("first", firstSid()).dec("count", streamCount()).toString();
    }
}
