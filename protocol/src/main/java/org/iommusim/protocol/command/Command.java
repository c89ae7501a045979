package org.iommusim.protocol.command;

/**
 * One SMMUv3 command, one record per opcode. Each knows its exact 16-byte
 * encoding; {@link CommandCodec#decode} is the inverse. Record constructors
 * check every field against its width and the architecture's rules, so a
 * {@code Command} value is always one the model accepts for decoding.
 */
public sealed interface Command extends DecodedCommand
        permits PrefetchConfig, PrefetchAddr, CfgiSte, CfgiSteRange, CfgiCd, CfgiCdAll,
                TlbiCommand, AtcInv, PriResp, Resume, StallTerm, CmdSync {

    /**
     * The opcode this record encodes.
     * @return the opcode, fixed per record type
     */
    CommandOpcode opcode();

    /**
     * The exact 16-byte entry; {@link CommandCodec#decode(RawCommand)} gives back an equal record.
     * @return the two little-endian words, reserved bits zero
     */
    RawCommand encode();
}
