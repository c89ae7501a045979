package org.iommusim.protocol.command;

/**
 * What decoding a 16-byte entry yields: a {@link Command}, or a
 * {@link CommandError} saying why the SMMU would stop at it. Decoding never
 * throws, so a queue, a log reader or a fuzzer can feed it anything.
 */
public sealed interface DecodedCommand permits Command, CommandError {
    /** One readable line: the opcode's reference name, then {@code name=value} fields. */
    String toText();
}
