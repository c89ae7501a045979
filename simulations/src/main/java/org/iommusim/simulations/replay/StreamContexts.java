package org.iommusim.simulations.replay;

import java.util.HashSet;
import java.util.Set;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * The domains and tags a stream was ever configured with, from its STE and
 * CD writes on any SMMU: what {@code trace --sid} keeps of the domains' and
 * IOTLBs' events. A domain event is the stream's when its domain is one the
 * stream's STE (stage 2) or CDs (stage 1) named; an IOTLB fill is when its
 * entry carries one of the stream's ASIDs (or, for a stage-2 entry, VMIDs).
 */
final class StreamContexts {
    private final Set<String> domains = new HashSet<>();
    private final Set<Integer> asids = new HashSet<>();
    private final Set<Integer> vmids = new HashSet<>();
    private boolean known;

    private StreamContexts() {}

    static StreamContexts of(JournalReader reader, int sid) {
        StreamContexts c = new StreamContexts();
        String suffix = "/sid-" + Integer.toUnsignedString(sid);
        for (String pid : reader.persistenceIds()) {
            if (!pid.matches("smmu-\\d+/sid-\\d+") || !pid.endsWith(suffix)) {
                continue;
            }
            try (EventCursor events = reader.events(pid, 1, Long.MAX_VALUE)) {
                while (events.hasNext()) {
                    Object p = events.next().payload();
                    c.known = true;
                    if (p instanceof StreamEvent.SteWritten s) {
                        c.add(s.ste());
                    } else if (p instanceof StreamEvent.CdWritten w) {
                        c.add(w.cd());
                    }
                }
            }
        }
        return c;
    }

    private void add(Ste ste) {
        if (ste.s2Domain() != null) {
            domains.add(ste.s2Domain().persistenceId());
            vmids.add(ste.vmid());
        }
    }

    private void add(Cd cd) {
        if (cd.s1Domain() != null) {
            domains.add(cd.s1Domain().persistenceId());
            asids.add(cd.asid());
        }
    }

    /** Whether {@code e} belongs to another domain than the stream's (and so is left out). */
    boolean otherDomain(JournalEvent e) {
        if (e.payload() instanceof DomainEvent) {
            return !domains.contains(e.persistenceId());
        }
        if (e.payload() instanceof IotlbEvent.Invalidated i) {
            return !concerns(i.command());
        }
        if (e.payload() instanceof org.iommusim.persistence.tcu.TcuEvent.Invalidated i) {
            return !concerns(i.command());
        }
        if (e.payload() instanceof IotlbEvent.Filled f) {
            return !mine(f.entry()) && (f.victim() == null || !mine(f.victim()));
        }
        return false;
    }

    /**
     * Whether a TLBI names one of the stream's tags, or none it could not
     * have: an ASID-scoped TLBI (NH_VA, NH_ASID) names an ASID of the stream's
     * CDs; a VMID-scoped stage-2 one (S2_IPA) a VMID of its STE; S12_VMALL a
     * VMID of its STE, or VMID 0, the tag of stage-1 entries. Others (NH_VAA,
     * NH_ALL, NSNH_ALL) are kept. Only what tags say, not which entries a
     * TLBI removes: that is the IOTLB rule, which {@code state} replays.
     */
    boolean concerns(TlbiCommand t) {
        if (t instanceof TlbiNhVa v) {
            return asids.contains(v.asid());
        }
        if (t instanceof TlbiNhAsid a) {
            return asids.contains(a.asid());
        }
        if (t instanceof TlbiS2Ipa i) {
            return vmids.contains(i.vmid());
        }
        if (t instanceof TlbiS12Vmall v) {
            return vmids.contains(v.vmid()) || (v.vmid() == 0 && !asids.isEmpty());
        }
        return true;
    }

    /** Whether the stream's STE or CDs were ever written (a StreamID no event names is a mistake to say). */
    boolean known() {
        return known;
    }

    private boolean mine(IotlbEntry entry) {
        return entry.asid() == IotlbEntry.NO_ASID ? vmids.contains(entry.vmid()) : asids.contains(entry.asid());
    }
}
