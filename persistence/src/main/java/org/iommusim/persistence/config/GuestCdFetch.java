package org.iommusim.persistence.config;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;
import org.iommusim.protocol.translate.Access;

/**
 * How the fetch of a CD from guest memory ended (Arm IHI 0070, 3.3.3: with stage 2 enabled, STE.S1ContextPtr
 * is an IPA, which stage 2 translates before the SMMU reads the CD).
 */
public sealed interface GuestCdFetch {

    /** The CD was read (or was in the configuration cache): what was read. */
    record Fetched(GuestCd cd) implements GuestCdFetch {}

    /**
     * Stage 2 refused the CD's IPA: {@code fault} its walk fault, or null when stage 2 maps it without read
     * permission (F_PERMISSION). The transaction's event has S2=1, CLASS=CD and {@code ipa}.
     */
    record Stage2Fault(long ipa, WalkResult.WalkFault fault) implements GuestCdFetch {}

    /** The memory refused the read at {@code pa}: an external abort on the CD fetch, F_CD_FETCH. */
    record Abort(long ipa, long pa, String reason) implements GuestCdFetch {}

    /**
     * The configuration cache holds a CD of the stream's own CD table at this (StreamID, SubstreamID), left by
     * an STE that software replaced without CFGI_STE: not a CD this STE can use (C_BAD_CD).
     */
    record OtherKind() implements GuestCdFetch {}

    /**
     * Fetches the 64-byte CD at {@code ipa}: translated by {@code s2}, then read as eight doublewords from
     * {@code memory}. A CD is 64-byte aligned, so it lies in one stage-2 page.
     *
     * @param hardwareAfS2 STE.S2HA with HTTU: an AF=0 stage-2 leaf is used
     */
    static GuestCdFetch fetch(long ipa, PageTable s2, boolean hardwareAfS2, GuestMemory memory) {
        WalkResult w = s2.walk(ipa, hardwareAfS2);
        if (w instanceof WalkResult.WalkFault f) {
            return new Stage2Fault(ipa, f);
        }
        WalkResult.Leaf l = (WalkResult.Leaf) w;
        if (!l.perms().allows(Access.READ, false)) {
            return new Stage2Fault(ipa, null);
        }
        long pa = l.outputAddress();
        List<Long> words = new ArrayList<>(GuestCd.WORDS);
        for (int i = 0; i < GuestCd.WORDS; i++) {
            try {
                words.add(memory.readDescriptor(pa + 8L * i));
            } catch (GuestMemoryException e) {
                return new Abort(ipa, pa, e.getMessage());
            } catch (RuntimeException e) {
                // a callback that fails otherwise is a bug in it; the transaction still gets its answer
                return new Abort(ipa, pa, "the guest memory threw " + e);
            }
        }
        return new Fetched(new GuestCd(ipa, pa, words));
    }
}
