package org.iommusim.protocol.command;

/** PRI_RESP {@code RESP}: the answer to a page request group. */
public enum PriResponse {
    DENY, FAIL, SUCC
}
