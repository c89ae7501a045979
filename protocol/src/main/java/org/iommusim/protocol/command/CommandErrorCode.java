package org.iommusim.protocol.command;

/** {@code CMDQ_CONS.ERR}: why the command queue stopped. */
public enum CommandErrorCode {
    NONE(0),
    /** Unknown or unsupported opcode, or an entry the model refuses. */
    ILL(1),
    /** The entry could not be fetched. */
    ABT(2),
    ATC_INV_SYNC(3);

    private final int code;

    CommandErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
