package org.iommusim.protocol.translate.internal;

import org.iommusim.protocol.translate.TranslationBurst;

/**
 * The model's side of a {@link TranslationBurst}'s walk detail: writing, for
 * a slot whose answer walked, the descriptors the walk read (their count and
 * addresses), which the owner reads with
 * {@link TranslationBurst#descriptorReads(int)} and
 * {@link TranslationBurst#descriptorAddress(int, int)}. A companion of
 * {@link BurstSlots}, installed the same way ("shared secrets": by the
 * burst's static initializer), so the burst's public surface stays the
 * embedder's. Not for embedders.
 */
public final class BurstWalks {
    private BurstWalks() {}

    /** What {@code TranslationBurst} lets the model write; implemented once, by a class nested in it. */
    public interface Access {
        /** See {@link BurstWalks#walked}. */
        void walked(TranslationBurst b, int slot, int reads, long[] addresses, int addressCount);
    }

    private static volatile Access installed;

    /**
     * Called once, by {@code TranslationBurst}'s static initializer; refused
     * from anywhere else and a second time.
     *
     * @param access the burst's implementation, a class nested in it
     */
    public static synchronized void install(Access access) {
        if (access == null || access.getClass().getNestHost() != TranslationBurst.class) {
            throw new IllegalArgumentException("only TranslationBurst installs its walk access");
        }
        if (installed != null) {
            throw new IllegalStateException("the burst's walk access is already installed");
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
                throw new IllegalStateException("TranslationBurst did not install its walk access");
            }
            return a;
        }
    }

    /**
     * Records, for slot {@code slot} of {@code b} (already answered: an answer
     * resets the detail to no reads), that its walk read {@code reads}
     * descriptors; {@code addresses} holds the first {@code addressCount}
     * descriptors' addresses in walk order (-1 where the model gives one
     * none), or is null when the model gives none of them an address. Copied:
     * the caller may reuse the array.
     */
    public static void walked(TranslationBurst b, int slot, int reads, long[] addresses, int addressCount) {
        Holder.ACCESS.walked(b, slot, reads, addresses, addressCount);
    }
}
