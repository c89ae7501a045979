package org.iommusim.protocol.translate;

import java.util.Arrays;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * Up to {@link #capacity()} DMA transactions sent to the SMMU together, and
 * once answered their results, held in flat arrays: the hot path's form of a
 * list of {@link TranslationRequest}s and {@link TranslationResult}s. A
 * translated request costs no object at all (its output address and the
 * entry's interned {@link Perms} sit in arrays); only faults and
 * terminations carry a result object.
 *
 * <p>Reusable: a device fills a burst, submits it, reads the results once the
 * model has answered, then {@link #clear()}s it for the next one (or submits
 * the same requests again). While a burst is submitted the model owns it:
 * adding to it, clearing it or submitting it again is refused
 * ({@link IllegalStateException}), and so is adding to an answered burst
 * before {@code clear()}.
 *
 * <p>Not thread-safe: one thread fills it, the model answers each request
 * exactly once, and the model's completion hands it back (a completion that
 * happens-before the reader's next access, as any callback or future does).
 *
 * <h2>Slots: the model's side</h2>
 * Several threads may answer one burst: each request goes to the IOTLB shard
 * its page hashes to. When the model takes the burst it copies the requests
 * into <em>slots</em>, grouped by answering thread, and each thread reads its
 * own run of slots and writes its answers there: no cache line is written by
 * two threads but at a seam, and each thread reads only the lines of its
 * requests. The owner never sees slots: {@link #result(int)} and the other
 * accessors take the request's index. The model's side ({@code markSubmitted},
 * {@code markCompleted}, {@code requestInSlot}, the {@code slot...} readers and
 * the {@code answerSlot...} writers, and the walk detail's writer) is not part of this class's public
 * surface: the model reaches it through
 * {@link org.iommusim.protocol.translate.internal.BurstSlots}, an internal
 * package (a burst submitted through {@code TranslationPort} is handed to the
 * model and back by it).
 */
public final class TranslationBurst {
    /** {@link #ssidOrNone} of a request without a SubstreamID. */
    public static final int NO_SSID = -1;

    private static final int PRIVILEGED = 0x80;
    private static final Access[] ACCESS = Access.values();

    // a slot's key: sid [31:0], ssid + 1 [52:32] (0: none), access and privilege [63:56]
    private static final long STREAM_MASK = (1L << 53) - 1;
    // an answer: TRANSLATED, path + 1 [61:60] (0: not given), perms [59:56], output address [55:0];
    // or OTHER (the result is in other[]) with the path; 0 unanswered
    private static final long TRANSLATED = 1L << 63;
    private static final long OTHER = 1L << 62;
    private static final int PATH_SHIFT = 60;
    private static final long ADDRESS = (1L << 56) - 1;
    private static final long HIT = pathBits(TranslationPath.TLB_HIT);

    // requests in the owner's order, packed: a key (sid, ssid, access) and an address, 16 bytes each
    private final long[] key;
    private final long[] iova;
    // the requests in slot order: the owner's arrays themselves when there is one run of slots, else copies
    private final long[] groupedKey;
    private final long[] groupedIova;
    private long[] slotKey;
    private long[] slotIova;
    private final int[] slotOf;
    private final int[] requestIn;
    // answers, by slot: a translation packed in one word; anything else in other[]
    private final long[] answer;
    private final TranslationResult[] other;
    // the walk detail, by slot: descriptors read, with ADDRESSED when walkAddress[j] holds their addresses;
    // each slot's address array is kept and reused by later answers (one answering thread per slot)
    private final int[] walkReads;
    private final long[][] walkAddress;
    private int size;
    private boolean submitted;
    // since the last clear(): its answers are laid out for that submission, so adding would misplace them
    private boolean sentSinceClear;

    // a walk's count fits in the low bits; the flag says its addresses are recorded
    private static final int ADDRESSED = 1 << 30;

    /**
     * An empty burst.
     *
     * @param capacity the most requests it holds (at least 1; a port's bursts use the model's
     *                 {@code maxBurst})
     * @throws IllegalArgumentException for a capacity below 1
     */
    public TranslationBurst(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a burst holds at least one request, capacity " + capacity);
        }
        key = new long[capacity];
        iova = new long[capacity];
        groupedKey = new long[capacity];
        groupedIova = new long[capacity];
        slotKey = key;
        slotIova = iova;
        slotOf = new int[capacity];
        requestIn = new int[capacity];
        answer = new long[capacity];
        other = new TranslationResult[capacity];
        walkReads = new int[capacity];
        walkAddress = new long[capacity][];
    }

    /** The most requests this burst holds, fixed when it is made. */
    public int capacity() {
        return key.length;
    }

    /** How many requests it holds (0 after {@link #clear()}). */
    public int size() {
        return size;
    }

    /** Whether it holds no request. */
    public boolean isEmpty() {
        return size == 0;
    }

    // ---- requests -----------------------------------------------------------

    /**
     * Adds an unprivileged transaction without a SubstreamID; returns its index.
     *
     * @throws IllegalStateException    when the burst is submitted, full, or holds its last submission's answers
     * @throws IllegalArgumentException for a null access
     */
    public int add(int sid, long iova, Access access) {
        return add(sid, NO_SSID, iova, access, false);
    }

    /**
     * Adds a transaction given as a record; returns its index.
     *
     * @throws IllegalStateException when the burst is submitted, full, or holds its last submission's answers
     */
    public int add(TranslationRequest r) {
        return add(r.sid(), r.ssv() ? r.ssid() : NO_SSID, r.iova(), r.access(), r.privileged());
    }

    /**
     * Adds a transaction; returns its index.
     *
     * @param sid        the StreamID
     * @param ssidOrNone the SubstreamID (20 bits), or {@link #NO_SSID} for a transaction without one
     * @param iova       the input address
     * @param access     read, write or instruction fetch
     * @param privileged whether the transaction is privileged
     * @return the request's index, from 0 in order of adding
     * @throws IllegalStateException    when the burst is submitted, full, or holds its last submission's answers
     * @throws IllegalArgumentException for a null access or a SubstreamID beyond 20 bits
     */
    public int add(int sid, int ssidOrNone, long iova, Access access, boolean privileged) {
        requireOwned("add to");
        if (sentSinceClear) {
            throw new IllegalStateException("the burst holds the answers of its last submission: clear() it before adding");
        }
        if (size == key.length) {
            throw new IllegalStateException("the burst is full: it holds " + key.length + " requests");
        }
        if (access == null) {
            throw new IllegalArgumentException("a translation request needs an access kind");
        }
        if (ssidOrNone != NO_SSID && (ssidOrNone < 0 || ssidOrNone > 0xFFFFF)) {
            throw new IllegalArgumentException("ssid=" + ssidOrNone + " is outside 20 bits");
        }
        int i = size++;
        key[i] = Integer.toUnsignedLong(sid) | (long) (ssidOrNone + 1) << 32
                | (long) (access.ordinal() | (privileged ? PRIVILEGED : 0)) << 56;
        this.iova[i] = iova;
        slotOf[i] = i;
        requestIn[i] = i;
        answer[i] = 0;
        return i;
    }

    /**
     * Empties the burst for reuse.
     *
     * @throws IllegalStateException while it is submitted
     */
    public void clear() {
        requireOwned("clear");
        size = 0;
        sentSinceClear = false;
    }

    /** The StreamID of request {@code i}; {@link IndexOutOfBoundsException} outside {@code [0, size())}. */
    public int sid(int i) {
        check(i);
        return (int) key[i];
    }

    /** Whether request {@code i} carries a SubstreamID. */
    public boolean ssv(int i) {
        return ssidOrNone(i) != NO_SSID;
    }

    /** The SubstreamID, or {@link #NO_SSID}. */
    public int ssidOrNone(int i) {
        check(i);
        return ssidOf(key[i]);
    }

    /** The input address of request {@code i}. */
    public long iova(int i) {
        check(i);
        return iova[i];
    }

    /** The access kind of request {@code i}. */
    public Access access(int i) {
        check(i);
        return accessOf(key[i]);
    }

    /** Whether request {@code i} is privileged. */
    public boolean privileged(int i) {
        check(i);
        return privilegedOf(key[i]);
    }

    /** Request {@code i} as a record (allocates; for the slow path and for display). */
    public TranslationRequest request(int i) {
        check(i);
        return record(key[i], iova[i]);
    }

    // ---- results ------------------------------------------------------------

    /** Whether request {@code i} was translated (rather than faulted, terminated or not yet answered). */
    public boolean translated(int i) {
        check(i);
        return answer[slotOf[i]] < 0;
    }

    /**
     * The output address of translated request {@code i}.
     *
     * @throws IllegalStateException when it was not translated
     */
    public long outputAddress(int i) {
        requireTranslated(i);
        int j = slotOf[i];
        return (answer[j] & OTHER) == 0 ? answer[j] & ADDRESS : ((Translated) other[j]).outputAddress();
    }

    /**
     * The effective permissions of translated request {@code i}.
     *
     * @throws IllegalStateException when it was not translated
     */
    public Perms perms(int i) {
        requireTranslated(i);
        int j = slotOf[i];
        return (answer[j] & OTHER) == 0 ? Perms.ofBits((int) (answer[j] >>> 56) & 15) : ((Translated) other[j]).perms();
    }

    /** The result of request {@code i} as a record (a {@link Translated} is made on demand); null if unanswered. */
    public TranslationResult result(int i) {
        check(i);
        return slotResult(slotOf[i]);
    }

    /**
     * Where the model answered request {@code i} (configuration, TLB hit, or
     * a miss that went to the TCU), read from the packed answer at no cost.
     *
     * @return the path, or null when the model gave none (not answered, or
     *         terminated as the model closed)
     */
    public TranslationPath path(int i) {
        check(i);
        int code = (int) (answer[slotOf[i]] >>> PATH_SHIFT) & 3;
        return code == 0 ? null : TranslationPath.ofCode(code - 1);
    }

    /**
     * How many descriptors the TCU's walk read from memory for request
     * {@code i}, as {@code IommuSim.translateDetailed} counts them
     * ({@code TranslationDetail.descriptorReads}): 0 unless {@link #path(int)}
     * is {@link TranslationPath#TLB_MISS}; fewer when the walk caches held the
     * upper levels; a nested walk counts the stage-2 reads of each stage-1
     * level too. Costs nothing to record on a hit.
     */
    public int descriptorReads(int i) {
        check(i);
        return walkReads[slotOf[i]] & ~ADDRESSED;
    }

    /**
     * The address of the {@code k}th descriptor request {@code i}'s walk read,
     * in walk order (that of {@code WalkDetail.descriptors()}), or -1 where the
     * model gives the table no address (as {@code DescriptorRead.address}: the
     * stage-1 tables of a nested stream whose CD gives TTB0, and a guest's own
     * stage-1 tables, are at IPAs; other tables are objects without one).
     * Allocates nothing.
     *
     * @param k from 0 to {@link #descriptorReads(int)} - 1
     * @throws IndexOutOfBoundsException for {@code i} outside the burst or {@code k} outside the walk's reads
     */
    public long descriptorAddress(int i, int k) {
        check(i);
        int j = slotOf[i];
        int reads = walkReads[j] & ~ADDRESSED;
        if (k < 0 || k >= reads) {
            throw new IndexOutOfBoundsException("descriptor " + k + " of a walk of " + reads + " reads (request "
                    + i + ")");
        }
        long[] a = walkAddress[j];
        return (walkReads[j] & ADDRESSED) != 0 && k < a.length ? a[k] : -1;
    }

    /**
     * Whether any descriptor request {@code i}'s walk read has an address
     * ({@link #descriptorAddress} is -1 for every one otherwise).
     */
    public boolean hasDescriptorAddresses(int i) {
        check(i);
        return (walkReads[slotOf[i]] & ADDRESSED) != 0;
    }

    /** How many requests were not translated (faulted, terminated or unanswered). */
    public int untranslated() {
        int n = 0;
        for (int j = 0; j < size; j++) {
            n += answer[j] < 0 ? 0 : 1;
        }
        return n;
    }

    // ---- the model's side -----------------------------------------------------
    //
    // Package-private: the model's translation pool and workers, in other modules, reach them through
    // BurstSlots (installed below); an embedder submits a burst through TranslationPort and reads it with
    // the accessors above.

    static {
        BurstSlots.install(new Slots());
    }

    /** Records slot {@code j}'s walk: {@code reads} descriptors, the first {@code n} addresses (null: none). */
    void walked(int j, int reads, long[] addresses, int n) {
        if (reads < 0 || reads >= ADDRESSED) {
            throw new IllegalArgumentException("a walk reads 0 to " + (ADDRESSED - 1) + " descriptors, not " + reads);
        }
        if (addresses == null) {
            walkReads[j] = reads;
            return;
        }
        long[] a = walkAddress[j];
        if (a == null || a.length < n) {
            a = walkAddress[j] = new long[Math.max(n, 16)];
        }
        System.arraycopy(addresses, 0, a, 0, n);
        java.util.Arrays.fill(a, n, Math.min(a.length, reads), -1L);
        walkReads[j] = reads | ADDRESSED;
    }

    /** The model's side, for {@link BurstSlots}: each method the burst's own. */
    private static final class Slots implements BurstSlots.Access {
        @Override
        public void walked(TranslationBurst b, int slot, int reads, long[] addresses, int addressCount) {
            b.walked(slot, reads, addresses, addressCount);
        }

        @Override
        public boolean isSubmitted(TranslationBurst b) {
            return b.isSubmitted();
        }

        @Override
        public void markSubmitted(TranslationBurst b) {
            b.markSubmitted();
        }

        @Override
        public int[] markSubmitted(TranslationBurst b, byte[] group, int groups) {
            return b.markSubmitted(group, groups);
        }

        @Override
        public void markCompleted(TranslationBurst b) {
            b.markCompleted();
        }

        @Override
        public int requestInSlot(TranslationBurst b, int j) {
            return b.requestInSlot(j);
        }

        @Override
        public int slotSid(TranslationBurst b, int j) {
            return b.slotSid(j);
        }

        @Override
        public int slotSsidOrNone(TranslationBurst b, int j) {
            return b.slotSsidOrNone(j);
        }

        @Override
        public long slotStream(TranslationBurst b, int j) {
            return b.slotStream(j);
        }

        @Override
        public long slotIova(TranslationBurst b, int j) {
            return b.slotIova(j);
        }

        @Override
        public Access slotAccess(TranslationBurst b, int j) {
            return b.slotAccess(j);
        }

        @Override
        public boolean slotPrivileged(TranslationBurst b, int j) {
            return b.slotPrivileged(j);
        }

        @Override
        public TranslationRequest slotRequest(TranslationBurst b, int j) {
            return b.slotRequest(j);
        }

        @Override
        public void answerSlotHit(TranslationBurst b, int j, long outputAddress, Perms perms) {
            b.answerSlotHit(j, outputAddress, perms);
        }

        @Override
        public void answerSlot(TranslationBurst b, int j, long outputAddress, Perms perms) {
            b.answerSlot(j, outputAddress, perms);
        }

        @Override
        public void answerSlot(TranslationBurst b, int j, TranslationResult result) {
            b.answerSlot(j, result);
        }

        @Override
        public void answerSlot(TranslationBurst b, int j, TranslationResult result, TranslationPath path) {
            b.answerSlot(j, result, path);
        }
    }

    /** Whether the model holds the burst (submitted, not yet completed). */
    boolean isSubmitted() {
        return submitted;
    }

    /** Hands the burst to the model with its requests in one run of slots, in request order. */
    void markSubmitted() {
        requireSubmittable();
        if (slotKey != key) {
            // laid out in groups for an earlier submission: back to one run in request order
            for (int i = 0; i < size; i++) {
                slotOf[i] = i;
                requestIn[i] = i;
            }
        }
        slotKey = key;
        slotIova = iova;
        submitted = true;
        sentSinceClear = true;
    }

    /**
     * Hands the burst to the model: refused when it is already submitted or
     * empty. Copies the requests into slots grouped by {@code group[i]} (0 to
     * {@code groups - 1}), request order kept within a group, and returns
     * where each group's run of slots starts; element {@code groups} holds
     * the size.
     */
    int[] markSubmitted(byte[] group, int groups) {
        requireSubmittable();
        int[] start = new int[groups + 1];
        for (int i = 0; i < size; i++) {
            start[group[i] + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            start[g + 1] += start[g];
        }
        int[] next = Arrays.copyOf(start, groups);
        for (int i = 0; i < size; i++) {
            int j = next[group[i]]++;
            slotOf[i] = j;
            requestIn[j] = i;
            groupedKey[j] = key[i];
            groupedIova[j] = iova[i];
        }
        slotKey = groupedKey;
        slotIova = groupedIova;
        submitted = true;
        sentSinceClear = true;
        return start;
    }

    private void requireSubmittable() {
        if (submitted) {
            throw new IllegalStateException("the burst is already submitted and not yet completed");
        }
        if (size == 0) {
            throw new IllegalStateException("an empty burst cannot be submitted");
        }
    }

    /** Hands the burst back to its owner, answered. */
    void markCompleted() {
        submitted = false;
    }

    /** The index (in the owner's order) of the request in slot {@code j}. */
    int requestInSlot(int j) {
        return requestIn[j];
    }

    int slotSid(int j) {
        return (int) slotKey[j];
    }

    /** The SubstreamID of slot {@code j}'s request, or {@link #NO_SSID}. */
    int slotSsidOrNone(int j) {
        return ssidOf(slotKey[j]);
    }

    /** Slot {@code j}'s StreamID and SubstreamID in one value: equal for requests of the same (sub)stream. */
    long slotStream(int j) {
        return slotKey[j] & STREAM_MASK;
    }

    long slotIova(int j) {
        return slotIova[j];
    }

    Access slotAccess(int j) {
        return accessOf(slotKey[j]);
    }

    boolean slotPrivileged(int j) {
        return privilegedOf(slotKey[j]);
    }

    /** Slot {@code j}'s request as a record (allocates; for the slow path). */
    TranslationRequest slotRequest(int j) {
        return record(slotKey[j], slotIova[j]);
    }

    /** Answers slot {@code j}: translated to {@code outputAddress} with {@code perms}, by a TLB hit. */
    void answerSlotHit(int j, long outputAddress, Perms perms) {
        answerTranslated(j, outputAddress, perms, HIT);
    }

    /** Answers slot {@code j}: translated to {@code outputAddress} with {@code perms}, path not given. */
    void answerSlot(int j, long outputAddress, Perms perms) {
        answerTranslated(j, outputAddress, perms, 0);
    }

    private void answerTranslated(int j, long outputAddress, Perms perms, long path) {
        walkReads[j] = 0;
        if ((outputAddress & ~ADDRESS) == 0) {
            answer[j] = TRANSLATED | path | (long) perms.bits() << 56 | outputAddress;
        } else {
            // beyond 56 bits (a bypassed wild address): kept whole
            other[j] = new Translated(outputAddress, perms);
            answer[j] = TRANSLATED | OTHER | path;
        }
    }

    /** Answers slot {@code j} with any result, path not given. */
    void answerSlot(int j, TranslationResult result) {
        answer(j, result, 0);
    }

    /** Answers slot {@code j} with any result, found on {@code path}. */
    void answerSlot(int j, TranslationResult result, TranslationPath path) {
        answer(j, result, pathBits(path));
    }

    private void answer(int j, TranslationResult result, long path) {
        if (result instanceof Translated t) {
            answerTranslated(j, t.outputAddress(), t.perms(), path);
            return;
        }
        walkReads[j] = 0;
        other[j] = result;
        answer[j] = OTHER | path;
    }

    private static long pathBits(TranslationPath path) {
        return (long) (path.ordinal() + 1) << PATH_SHIFT;
    }

    private TranslationResult slotResult(int j) {
        long a = answer[j];
        if ((a & OTHER) != 0) {
            return other[j];
        }
        return a < 0 ? new Translated(a & ADDRESS, Perms.ofBits((int) (a >>> 56) & 15)) : null;
    }

    private static int ssidOf(long key) {
        return (int) ((key >>> 32) & 0x1FFFFF) - 1;
    }

    private static Access accessOf(long key) {
        return ACCESS[(int) (key >>> 56) & 0x7F];
    }

    private static boolean privilegedOf(long key) {
        return (key & (long) PRIVILEGED << 56) != 0;
    }

    private static TranslationRequest record(long key, long iova) {
        int ssid = ssidOf(key);
        return new TranslationRequest((int) key, ssid != NO_SSID, ssid == NO_SSID ? 0 : ssid, iova, accessOf(key),
                privilegedOf(key));
    }

    private void requireOwned(String what) {
        if (submitted) {
            throw new IllegalStateException("cannot " + what + " a burst that is submitted and not yet completed");
        }
    }

    private void requireTranslated(int i) {
        if (!translated(i)) {
            TranslationResult r = slotResult(slotOf[i]);
            throw new IllegalStateException("request " + i + " was not translated: "
                    + (r == null ? "not answered" : r.toText()));
        }
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("request " + i + " of a burst of " + size);
        }
    }

    /** The burst's fill and whether the model holds it, for display. */
    @Override
    public String toString() {
        return "TranslationBurst[" + size + "/" + key.length + (submitted ? ", submitted" : "") + "]";
    }
}
