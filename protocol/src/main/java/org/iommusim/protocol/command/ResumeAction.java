package org.iommusim.protocol.command;

/** RESUME {@code RESP}: what to do with a stalled transaction. */
public enum ResumeAction {
    TERM, RETRY, ABORT
}
