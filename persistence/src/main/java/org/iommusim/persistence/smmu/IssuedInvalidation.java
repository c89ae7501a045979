package org.iommusim.persistence.smmu;

import org.iommusim.protocol.command.TlbiCommand;

/**
 * A TLBI the SMMU consumed, numbered in consumption order. Subscribers of the
 * invalidation port acknowledge by number; a CMD_SYNC completes once every
 * subscriber has acknowledged every number before it.
 */
public record IssuedInvalidation(long seq, TlbiCommand command) {}
