package org.iommusim.persistence.smmu;

import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * A TLBI the SMMU consumed, numbered in consumption order. Subscribers of the
 * invalidation port acknowledge by number; a CMD_SYNC completes once every
 * subscriber has acknowledged every number before it.
 *
 * <p>Held as the queue entry or as the decoded command, whichever its maker
 * had, the other form made on first use: applying a consumed batch (also in
 * every replay) then needs no decoding at all. Equal by number and encoding.
 */
public final class IssuedInvalidation {
    private final long seq;
    private RawCommand raw;
    private TlbiCommand command;

    public IssuedInvalidation(long seq, TlbiCommand command) {
        this.seq = seq;
        this.command = command;
    }

    /** From a queue entry the consumer already accepted as a TLBI. */
    public IssuedInvalidation(long seq, RawCommand raw) {
        this.seq = seq;
        this.raw = raw;
    }

    public long seq() {
        return seq;
    }

    public synchronized TlbiCommand command() {
        if (command == null) {
            command = (TlbiCommand) CommandCodec.decode(raw);
        }
        return command;
    }

    public synchronized RawCommand raw() {
        if (raw == null) {
            raw = command.encode();
        }
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuedInvalidation i && i.seq == seq && i.raw().equals(raw());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + raw().hashCode();
    }

    @Override
    public String toString() {
        return "#" + seq + " " + command().toText();
    }
}
