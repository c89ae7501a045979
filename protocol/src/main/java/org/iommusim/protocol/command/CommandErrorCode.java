package org.iommusim.protocol.command;

/** {@code CMDQ_CONS.ERR}: why the command queue stopped. */
public enum CommandErrorCode {
    /** No error: the queue is running. */
    NONE(0),
    /** Unknown or unsupported opcode, or an entry the model refuses. */
    ILL(1),
    /** The entry could not be fetched. */
    ABT(2),
    /** An ATC invalidation timed out before a CMD_SYNC completed. */
    ATC_INV_SYNC(3);

    private final int code;

    CommandErrorCode(int code) {
        this.code = code;
    }

    /**
     * The ERR field's value.
     * @return the code, 0 to 3
     */
    public int code() {
        return code;
    }
}
