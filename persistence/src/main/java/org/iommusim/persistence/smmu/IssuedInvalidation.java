package org.iommusim.persistence.smmu;

import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * A TLBI the SMMU consumed (or, when the TCU's configuration cache is bounded,
 * a CFGI: {@link SmmuState#issues}), numbered in consumption order. Subscribers of the
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
    private Command command;

    public IssuedInvalidation(long seq, Command command) {
        this.seq = seq;
        this.command = command;
    }

    /** From a queue entry the consumer already accepted as a TLBI (or a CFGI it issues). */
    public IssuedInvalidation(long seq, RawCommand raw) {
        this.seq = seq;
        this.raw = raw;
    }

    public long seq() {
        return seq;
    }

    public synchronized Command command() {
        if (command == null) {
            command = (Command) CommandCodec.decode(raw);
        }
        return command;
    }

    /** The TLBI, or null for a CFGI (which only the TCU's configuration cache applies). */
    public TlbiCommand tlbi() {
        return command() instanceof TlbiCommand t ? t : null;
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
