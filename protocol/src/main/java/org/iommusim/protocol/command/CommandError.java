package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Hex;
import org.iommusim.protocol.bits.TextLine;

/**
 * An entry the SMMU refuses: the CERROR code it raises and a reason a person
 * can act on. The raw words are kept so the entry can be shown and replaced.
 */
public record CommandError(CommandErrorCode code, RawCommand raw, String reason) implements DecodedCommand {

    /**
     * A CERROR_ILL refusal: the entry is not a command the model executes.
     * @return the error with code {@link CommandErrorCode#ILL}
     */
    public static CommandError ill(RawCommand raw, String reason) {
        return new CommandError(CommandErrorCode.ILL, raw, reason);
    }

    @Override
    public String toText() {
        return TextLine.of("CERROR_" + code.name())
                .hex("opcode", raw.opcode())
                .quoted("reason", reason)
                .word("dw0", Hex.word(raw.dw0()))
                .word("dw1", Hex.word(raw.dw1()))
                .toString();
    }
}
