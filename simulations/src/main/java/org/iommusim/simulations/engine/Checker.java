package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.pagetable.StagePermissions;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.simulations.report.SimulationReport;

/**
 * Validates every translation of a run against the history of mappings and
 * the driver's invalidations (DESIGN "The checker"):
 * <ol>
 *   <li>a translation starting after the invalidation covering an unmap has
 *       completed (its CMD_SYNC, as the driver saw it) must not return the
 *       old mapping;</li>
 *   <li>a translation only returns mappings that existed (isolation: never a
 *       physical page outside what the device's domains map or mapped);</li>
 *   <li>granted permissions follow the stage rules ({@link StagePermissions},
 *       the page tables' own rule);</li>
 *   <li>no IOVA is mapped again before the flush covering its previous
 *       mapping has completed.</li>
 * </ol>
 * Uses of an unmapped mapping before its flush completed are permitted (lazy
 * invalidation allows them); each such mapping has a stale window, from its
 * unmap to its last stale use.
 */
final class Checker {
    private final String journalDir;
    private final List<SimulationReport.Violation> violations = new ArrayList<>();
    private long checked;
    /** Mappings used after their unmap (permitted, before the flush): each has one stale window. */
    private final java.util.Set<MapRecord> staleMappings = new java.util.LinkedHashSet<>();

    Checker(String journalDir) {
        this.journalDir = journalDir;
    }

    /** A stream's view of memory for the checker: how an IOVA resolves through its domains. */
    interface Resolution {
        /** The records an output for {@code iova} may come from; for nested, the stage-2 records of its IPA. */
        List<MapRecord> candidates(long iova);

        /** The stage whose permission rule applies to the final mapping. */
        DomainStage stage();

        /** For nested: the stage-1 record in force (its prot also applies); else null. */
        MapRecord stage1(long iova);
    }

    /** Checks one successful translation; returns true when it used a stale (unmapped, not yet flushed) mapping. */
    synchronized boolean translation(String device, int sid, long t, long iova, Access access, boolean privileged,
            Translated r,
            Resolution res) {
        checked++;
        MapRecord match = null;
        for (MapRecord m : res.candidates(iova)) {
            if (m.translate(nestedInput(res, iova)) == r.outputAddress()) {
                match = m;
                break;
            }
        }
        if (match == null) {
            violation("ISOLATION", device + " (sid 0x" + Integer.toHexString(sid) + ") reached PA 0x"
                    + Long.toHexString(r.outputAddress()) + " for IOVA 0x" + Long.toHexString(iova)
                    + ", which no mapping of its domains ever gave", sid, iova, List.of());
            return false;
        }
        boolean stale = false;
        if (!match.mappedAt(t)) {
            if (t >= match.releasedAt) {
                violation("STALE_AFTER_SYNC", device + " used the mapping of IOVA 0x" + Long.toHexString(iova)
                        + " -> PA 0x" + Long.toHexString(r.outputAddress()) + " at t=" + t + "ns, after it was unmapped"
                        + " at t=" + match.unmapAt + "ns and its invalidation completed at t=" + match.releasedAt + "ns ("
                        + match.releasedBy + ")" + (match.tlbiDropped ? "; the TLBI for it was never sent" : ""),
                        sid, iova, events(match));
            } else {
                match.lastStaleUseAt = Math.max(match.lastStaleUseAt, t);
                staleMappings.add(match);
                stale = true;
            }
        }
        Perms expected = StagePermissions.of(res.stage(), match.prot);
        MapRecord s1 = res.stage1(iova);
        if (s1 != null) {
            expected = StagePermissions.of(DomainStage.STAGE1, s1.prot).intersect(expected);
        }
        if (!r.perms().equals(expected) || !expected.allows(access, privileged)) {
            violation("PERMISSION", device + " got " + r.perms() + " for a " + access + " of IOVA 0x"
                    + Long.toHexString(iova) + "; the stage rules give " + expected + " for " + match.prot,
                    sid, iova, events(match));
        }
        return stale;
    }

    private static long nestedInput(Resolution res, long iova) {
        MapRecord s1 = res.stage1(iova);
        return s1 == null ? iova : s1.translate(iova);
    }

    /** A new mapping of [iova, iova + size): the previous one there must have been released. */
    synchronized void mapped(History history, DomainId domain, long iova, long size, long t, int sid) {
        for (MapRecord old : history.covering(domain, iova)) {
            if (old.unmapAt <= t && t < old.releasedAt) {
                violation("IOVA_REUSED_BEFORE_FLUSH", "IOVA 0x" + Long.toHexString(iova) + " of " + domain
                        + " was mapped again at t=" + t + "ns before the invalidation of its previous mapping"
                        + " (unmapped at t=" + old.unmapAt + "ns) completed", sid, iova, events(old));
                return;
            }
        }
    }

    private List<String> events(MapRecord m) {
        List<String> out = new ArrayList<>();
        out.add(m.domain.persistenceId() + " #" + m.mapSeq + " map");
        if (m.unmapSeq >= 0) {
            out.add(m.domain.persistenceId() + " #" + m.unmapSeq + " unmap");
        }
        return out;
    }

    private void violation(String rule, String explanation, int sid, long iova, List<String> events) {
        String trace = "./iommu-sim trace --journal " + journalDir + " --iova 0x" + Long.toHexString(iova)
                + " --sid " + Integer.toUnsignedString(sid);
        violations.add(new SimulationReport.Violation(rule, explanation, sid, iova, events, trace));
    }

    /** One window per unmapped mapping that was used stale: from its unmap to its last stale use. */
    synchronized List<Long> staleWindows() {
        List<Long> out = new ArrayList<>(staleMappings.size());
        for (MapRecord m : staleMappings) {
            out.add(m.lastStaleUseAt - m.unmapAt);
        }
        return out;
    }

    synchronized SimulationReport.Checker result() {
        return new SimulationReport.Checker(checked, violations.size(), List.copyOf(violations));
    }
}
