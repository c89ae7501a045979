package org.iommusim.persistence.cmdq;

import org.iommusim.protocol.command.CommandErrorCode;

/** Why the queue stopped, at which entry: what {@code CMDQ_CONS.ERR} and the consumer index show. */
public record QueueError(long index, CommandErrorCode code, String reason) {}
