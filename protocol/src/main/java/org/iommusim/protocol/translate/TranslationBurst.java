package org.iommusim.protocol.translate;

/**
 * Up to {@link #capacity()} DMA transactions sent to the SMMU together, and
 * once answered their results, held in flat arrays: the hot path's form of a
 * list of {@link TranslationRequest}s and {@link TranslationResult}s. A
 * translated request costs no object at all (its output address and the
 * entry's interned {@link Perms} sit in arrays); only faults and
 * terminations carry a result object.
 *
 * <p>Reusable: a device fills a burst, submits it, reads the results once the
 * model has answered, then {@link #clear()}s it for the next one. While a
 * burst is submitted the model owns it: adding to it, clearing it or
 * submitting it again is refused ({@link IllegalStateException}).
 *
 * <p>Not thread-safe: one thread fills it, the model answers each request
 * exactly once, and the model's completion hands it back (a completion that
 * happens-before the reader's next access, as any callback or future does).
 */
public final class TranslationBurst {
    /** {@link #ssidOrNone} of a request without a SubstreamID. */
    public static final int NO_SSID = -1;

    private static final int PRIVILEGED = 0x80;
    private static final Access[] ACCESS = Access.values();

    private final int[] sid;
    private final int[] ssid;
    private final long[] iova;
    private final byte[] access;
    private final long[] output;
    private final Perms[] perms;
    private final TranslationResult[] other;
    private int size;
    private boolean submitted;

    public TranslationBurst(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a burst holds at least one request, capacity " + capacity);
        }
        sid = new int[capacity];
        ssid = new int[capacity];
        iova = new long[capacity];
        access = new byte[capacity];
        output = new long[capacity];
        perms = new Perms[capacity];
        other = new TranslationResult[capacity];
    }

    public int capacity() {
        return sid.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ---- requests -----------------------------------------------------------

    /** Adds an unprivileged transaction without a SubstreamID; returns its index. */
    public int add(int sid, long iova, Access access) {
        return add(sid, NO_SSID, iova, access, false);
    }

    public int add(TranslationRequest r) {
        return add(r.sid(), r.ssv() ? r.ssid() : NO_SSID, r.iova(), r.access(), r.privileged());
    }

    /**
     * Adds a transaction; returns its index.
     *
     * @param ssidOrNone the SubstreamID (20 bits), or {@link #NO_SSID} for a transaction without one
     */
    public int add(int sid, int ssidOrNone, long iova, Access access, boolean privileged) {
        requireOwned("add to");
        if (size == this.sid.length) {
            throw new IllegalStateException("the burst is full: it holds " + this.sid.length + " requests");
        }
        if (access == null) {
            throw new IllegalArgumentException("a translation request needs an access kind");
        }
        if (ssidOrNone != NO_SSID && (ssidOrNone < 0 || ssidOrNone > 0xFFFFF)) {
            throw new IllegalArgumentException("ssid=" + ssidOrNone + " is outside 20 bits");
        }
        int i = size++;
        this.sid[i] = sid;
        this.ssid[i] = ssidOrNone;
        this.iova[i] = iova;
        this.access[i] = (byte) (access.ordinal() | (privileged ? PRIVILEGED : 0));
        perms[i] = null;
        other[i] = null;
        return i;
    }

    /** Empties the burst for reuse. */
    public void clear() {
        requireOwned("clear");
        size = 0;
    }

    public int sid(int i) {
        check(i);
        return sid[i];
    }

    public boolean ssv(int i) {
        check(i);
        return ssid[i] != NO_SSID;
    }

    /** The SubstreamID, or {@link #NO_SSID}. */
    public int ssidOrNone(int i) {
        check(i);
        return ssid[i];
    }

    public long iova(int i) {
        check(i);
        return iova[i];
    }

    public Access access(int i) {
        check(i);
        return ACCESS[access[i] & 0x7F];
    }

    public boolean privileged(int i) {
        check(i);
        return (access[i] & PRIVILEGED) != 0;
    }

    /** Request {@code i} as a record (allocates; for the slow path and for display). */
    public TranslationRequest request(int i) {
        check(i);
        int s = ssid[i];
        return new TranslationRequest(sid[i], s != NO_SSID, s == NO_SSID ? 0 : s, iova[i], access(i), privileged(i));
    }

    // ---- results ------------------------------------------------------------

    /** Whether request {@code i} was translated (rather than faulted, terminated or not yet answered). */
    public boolean translated(int i) {
        check(i);
        return perms[i] != null;
    }

    /** The output address of translated request {@code i}. */
    public long outputAddress(int i) {
        requireTranslated(i);
        return output[i];
    }

    /** The effective permissions of translated request {@code i}. */
    public Perms perms(int i) {
        requireTranslated(i);
        return perms[i];
    }

    /** The result of request {@code i} as a record (a {@link Translated} is made on demand); null if unanswered. */
    public TranslationResult result(int i) {
        check(i);
        return perms[i] != null ? new Translated(output[i], perms[i]) : other[i];
    }

    /** How many answered requests were not translated. */
    public int untranslated() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += perms[i] == null ? 1 : 0;
        }
        return n;
    }

    // ---- the model's side -----------------------------------------------------

    /** Records that request {@code i} translated to {@code outputAddress} with {@code perms}. */
    public void answer(int i, long outputAddress, Perms perms) {
        check(i);
        output[i] = outputAddress;
        this.perms[i] = perms;
        other[i] = null;
    }

    /** Records any result of request {@code i}. */
    public void answer(int i, TranslationResult result) {
        if (result instanceof Translated t) {
            answer(i, t.outputAddress(), t.perms());
            return;
        }
        check(i);
        perms[i] = null;
        other[i] = result;
    }

    /** Whether the model holds the burst (submitted, not yet completed). */
    public boolean isSubmitted() {
        return submitted;
    }

    /**
     * Hands the burst to the model: refused when it is already submitted or
     * empty. Clears its previous results.
     */
    public void markSubmitted() {
        if (submitted) {
            throw new IllegalStateException("the burst is already submitted and not yet completed");
        }
        if (size == 0) {
            throw new IllegalStateException("an empty burst cannot be submitted");
        }
        java.util.Arrays.fill(perms, 0, size, null);
        java.util.Arrays.fill(other, 0, size, null);
        submitted = true;
    }

    /** Hands the burst back to its owner, answered. */
    public void markCompleted() {
        submitted = false;
    }

    private void requireOwned(String what) {
        if (submitted) {
            throw new IllegalStateException("cannot " + what + " a burst that is submitted and not yet completed");
        }
    }

    private void requireTranslated(int i) {
        if (!translated(i)) {
            TranslationResult r = other[i];
            throw new IllegalStateException("request " + i + " was not translated: "
                    + (r == null ? "not answered" : r.toText()));
        }
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("request " + i + " of a burst of " + size);
        }
    }

    @Override
    public String toString() {
        return "TranslationBurst[" + size + "/" + sid.length + (submitted ? ", submitted" : "") + "]";
    }
}
