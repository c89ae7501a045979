package org.iommusim.protocol.translate.internal;

import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * The model's side of a {@link TranslationBurst}: handing it to the model
 * and back, and reading and answering its <em>slots</em> (see the burst's
 * class comment). The burst keeps these methods package-private, so that its
 * public surface is the embedder's only; the model's translation pool and
 * workers, in other modules, reach them here. Not for embedders: a burst
 * submitted through {@code TranslationPort} is handed to the model and back by it.
 *
 * <p>The "shared secrets" pattern: {@code TranslationBurst}'s static
 * initializer installs its one {@link Access} implementation, which this
 * class holds in a {@code static final} field once the burst class is
 * initialized, so every call here is a direct, inlinable call on the hot path.
 */
public final class BurstSlots {
    private BurstSlots() {}

    /** What {@code TranslationBurst} lets the model do; implemented once, by a class nested in it. */
    public interface Access {
        boolean isSubmitted(TranslationBurst b);

        void markSubmitted(TranslationBurst b);

        int[] markSubmitted(TranslationBurst b, byte[] group, int groups);

        void markCompleted(TranslationBurst b);

        int requestInSlot(TranslationBurst b, int j);

        int slotSid(TranslationBurst b, int j);

        int slotSsidOrNone(TranslationBurst b, int j);

        long slotStream(TranslationBurst b, int j);

        long slotIova(TranslationBurst b, int j);

        org.iommusim.protocol.translate.Access slotAccess(TranslationBurst b, int j);

        boolean slotPrivileged(TranslationBurst b, int j);

        TranslationRequest slotRequest(TranslationBurst b, int j);

        void answerSlotHit(TranslationBurst b, int j, long outputAddress, Perms perms);

        void answerSlot(TranslationBurst b, int j, long outputAddress, Perms perms);

        void answerSlot(TranslationBurst b, int j, TranslationResult result);

        void answerSlot(TranslationBurst b, int j, TranslationResult result, TranslationPath path);

        /** See {@link BurstSlots#walked}. */
        void walked(TranslationBurst b, int slot, int reads, long[] addresses, int addressCount);
    }

    private static volatile Access installed;

    /**
     * Called once, by {@code TranslationBurst}'s static initializer; refused
     * from anywhere else (an implementation not nested in the burst class) and
     * a second time.
     */
    public static synchronized void install(Access access) {
        if (access == null || access.getClass().getNestHost() != TranslationBurst.class) {
            throw new IllegalArgumentException("only TranslationBurst installs its slot access");
        }
        if (installed != null) {
            throw new IllegalStateException("the burst's slot access is already installed");
        }
        installed = access;
    }

    /** Initialized on first use, after the burst class (which installs the access): a constant to the JIT. */
    private static final class Holder {
        static final Access ACCESS = load();

        private static Access load() {
            try {
                Class.forName(TranslationBurst.class.getName(), true, TranslationBurst.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            Access a = installed;
            if (a == null) {
                throw new IllegalStateException("TranslationBurst did not install its slot access");
            }
            return a;
        }
    }

    /** Whether the model holds {@code b} (submitted, not yet completed). */
    public static boolean isSubmitted(TranslationBurst b) {
        return Holder.ACCESS.isSubmitted(b);
    }

    /**
     * Hands {@code b} to the model with its requests in one run of slots, in
     * request order; refused ({@link IllegalStateException}) when it is
     * already submitted or empty.
     */
    public static void markSubmitted(TranslationBurst b) {
        Holder.ACCESS.markSubmitted(b);
    }

    /**
     * Hands {@code b} to the model: refused when it is already submitted or
     * empty. Copies the requests into slots grouped by {@code group[i]} (0 to
     * {@code groups - 1}), request order kept within a group, and returns
     * where each group's run of slots starts; element {@code groups} holds
     * the size.
     */
    public static int[] markSubmitted(TranslationBurst b, byte[] group, int groups) {
        return Holder.ACCESS.markSubmitted(b, group, groups);
    }

    /** Hands {@code b} back to its owner, answered. */
    public static void markCompleted(TranslationBurst b) {
        Holder.ACCESS.markCompleted(b);
    }

    /** The index (in the owner's order) of the request in slot {@code j}. */
    public static int requestInSlot(TranslationBurst b, int j) {
        return Holder.ACCESS.requestInSlot(b, j);
    }

    public static int slotSid(TranslationBurst b, int j) {
        return Holder.ACCESS.slotSid(b, j);
    }

    /** The SubstreamID of slot {@code j}'s request, or {@link TranslationBurst#NO_SSID}. */
    public static int slotSsidOrNone(TranslationBurst b, int j) {
        return Holder.ACCESS.slotSsidOrNone(b, j);
    }

    /** Slot {@code j}'s StreamID and SubstreamID in one value: equal for requests of the same (sub)stream. */
    public static long slotStream(TranslationBurst b, int j) {
        return Holder.ACCESS.slotStream(b, j);
    }

    public static long slotIova(TranslationBurst b, int j) {
        return Holder.ACCESS.slotIova(b, j);
    }

    public static org.iommusim.protocol.translate.Access slotAccess(TranslationBurst b, int j) {
        return Holder.ACCESS.slotAccess(b, j);
    }

    public static boolean slotPrivileged(TranslationBurst b, int j) {
        return Holder.ACCESS.slotPrivileged(b, j);
    }

    /** Slot {@code j}'s request as a record (allocates; for the slow path). */
    public static TranslationRequest slotRequest(TranslationBurst b, int j) {
        return Holder.ACCESS.slotRequest(b, j);
    }

    /** Answers slot {@code j}: translated to {@code outputAddress} with {@code perms}, by a TLB hit. */
    public static void answerSlotHit(TranslationBurst b, int j, long outputAddress, Perms perms) {
        Holder.ACCESS.answerSlotHit(b, j, outputAddress, perms);
    }

    /** Answers slot {@code j}: translated to {@code outputAddress} with {@code perms}, path not given. */
    public static void answerSlot(TranslationBurst b, int j, long outputAddress, Perms perms) {
        Holder.ACCESS.answerSlot(b, j, outputAddress, perms);
    }

    /** Answers slot {@code j} with any result, path not given. */
    public static void answerSlot(TranslationBurst b, int j, TranslationResult result) {
        Holder.ACCESS.answerSlot(b, j, result);
    }

    /** Answers slot {@code j} with any result, found on {@code path}. */
    public static void answerSlot(TranslationBurst b, int j, TranslationResult result, TranslationPath path) {
        Holder.ACCESS.answerSlot(b, j, result, path);
    }

    /**
     * Records, for slot {@code slot} of {@code b} (already answered: an answer
     * resets the detail to no reads), that its walk read {@code reads}
     * descriptors; {@code addresses} holds the first {@code addressCount}
     * descriptors' addresses in walk order (-1 where the model gives one
     * none), or is null when the model gives none of them an address. Copied:
     * the caller may reuse the array.
     *
     * @throws IllegalArgumentException if {@code reads} is negative or beyond what a burst records
     */
    public static void walked(TranslationBurst b, int slot, int reads, long[] addresses, int addressCount) {
        Holder.ACCESS.walked(b, slot, reads, addresses, addressCount);
    }
}
