package org.iommusim.persistence.translate;

import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.config.GuestCd;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;

/**
 * Guest memory as the journals saw it: every descriptor a walk of guest tables read, journaled with the fill
 * it led to ({@link IotlbEvent.Filled#guestReads()}), and every CD fetched from guest memory, journaled with the
 * TCU's configuration-cache fill ({@link TcuEvent.ConfigFilled}) or, for a CD the cache did not take (V=0,
 * ILLEGAL), as {@link TcuEvent.GuestCdRead}, the latest value per address. Replay walks guest tables
 * through it instead of the embedder's memory: a walk the model made reads exactly what it read then; an
 * address no journaled walk read is refused (F_WALK_EABT), saying so. Single-threaded, as replay is.
 */
public final class JournaledGuestMemory implements GuestMemory {
    private final Map<Long, Long> words = new HashMap<>();
    private long fills;

    /** Takes in {@code event}'s reads if it is a fill of guest tables; any other event changes nothing. */
    public JournaledGuestMemory record(Object event) {
        if (event instanceof IotlbEvent.Filled f && !f.guestReads().isEmpty()) {
            fills++;
            for (MemoryTableWalk.Read r : f.guestReads()) {
                words.put(r.pa(), r.descriptor());
            }
        } else if (event instanceof TcuEvent.ConfigFilled c && c.entry().guestCd() != null) {
            // a CD fetched from guest memory, journaled with the TCU's configuration-cache fill
            fills++;
            put(c.entry().guestCd());
        } else if (event instanceof TcuEvent.GuestCdRead r) {
            // a CD the cache did not take (V=0, ILLEGAL): the latest read of its address all the same
            fills++;
            put(r.cd());
        }
        return this;
    }

    private void put(GuestCd cd) {
        for (int i = 0; i < GuestCd.WORDS; i++) {
            words.put(cd.pa() + 8L * i, cd.words().get(i));
        }
    }

    /** How many journaled fills carried guest reads. */
    public long fills() {
        return fills;
    }

    /** How many distinct addresses the journaled walks read. */
    public int addresses() {
        return words.size();
    }

    @Override
    public long readDescriptor(long address) {
        Long v = words.get(address);
        if (v == null) {
            throw new GuestMemoryException(address, "no journaled walk read this address (replay has no guest memory)");
        }
        return v;
    }
}
