package org.iommusim.persistence.tcu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommusim.persistence.config.ConfigSource;
import org.iommusim.persistence.config.GuestCd;
import org.iommusim.persistence.config.GuestCdFetch;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.pagetable.DescriptorSink;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.memory.GuestMemory;

/**
 * The TCU's walker and its caches (reference section 8): a walk cache per
 * stage and level, the optional IPA cache, and the configuration cache when it
 * is bounded ({@link BoundedConfigCache}). One per SMMU, shared by every
 * translation worker of it: each walk and each invalidation holds the TCU's
 * lock from the first lookup to the last fill, so a walk sees the caches
 * either before or after an invalidation, never half of one.
 *
 * <p>A walk looks the walk caches up from the deepest level upwards; the
 * deepest hit decides where the walk resumes: a leaf entry answers at once, a
 * table entry sends the walk to the table page it names, skipping every level
 * above. Each descriptor read from memory fills the cache of its stage and
 * level (invalid descriptors are never cached). A table entry whose table page
 * was freed sends the walk to freed memory ({@link DescriptorSink#freedTable}):
 * the walk faults, the read is counted and recorded ({@link #freedTableReads()}).
 */
public final class Tcu {
    /** How many freed-table reads are kept for inspection; all are counted. */
    public static final int FREED_READS_KEPT = 1024;

    private final TcuCaches shape;
    private final WalkCache[][] walk = new WalkCache[3][TcuCaches.LEVELS];
    private final IpaCache ipa;
    private final BoundedConfigCache config;
    private final List<FreedTableRead> freed = new ArrayList<>();
    private final Filler filler = new Filler();
    // the log: what changed which entries are held, in the order applied (null: not recorded)
    private List<TcuEvent> log;
    private Runnable onLogged;
    private boolean rung;
    // the last AcksAhead marker said ahead (kept by snapshots)
    private boolean acksAhead;

    public Tcu(TcuCaches shape) {
        this.shape = shape;
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                walk[stage][level] = new WalkCache(stage, level, shape.walk(stage, level));
            }
        }
        this.ipa = new IpaCache(shape.ipaCache());
        this.config = new BoundedConfigCache(shape.configCache());
    }

    /**
     * Whether the configuration cache is bounded ({@code TcuCaches.configCache} set): translation then reads
     * the STE and CD through {@link #configSource}, not from the SMMU's unbounded {@code ConfigCache}.
     */
    public boolean configBounded() {
        return config.enabled();
    }

    /**
     * The configuration of {@code sid} as a translation reads it through the bounded configuration cache: the
     * STE on first use, a CD only when asked for. Each is looked up once; a miss reads the stream table
     * ({@code memory}: what software wrote) and fills the cache with what it read if it is valid.
     */
    public ConfigSource configSource(int sid, StreamMemoryView memory) {
        return new ConfigSource() {
            private final int[] reads = new int[1];
            private Ste ste;

            @Override
            public Ste ste() {
                if (ste == null) {
                    ste = configSte(sid, memory, reads);
                }
                return ste;
            }

            @Override
            public Cd cd(int ssid) {
                return configCd(sid, ssid, memory, reads);
            }

            @Override
            public GuestCdFetch guestCd(int ssid, long ipa, PageTable s2, boolean hardwareAfS2, GuestMemory guest,
                    SmmuCapabilities caps) {
                return configGuestCd(sid, ssid, ipa, s2, hardwareAfS2, guest, caps, reads);
            }

            @Override
            public int reads() {
                return reads[0];
            }
        };
    }

    /**
     * The CD of {@code (sid, ssid)} in guest memory: a configuration-cache hit (what an earlier fetch read, the
     * memory not read again), or fetched at {@code ipa} through stage 2 ({@link GuestCdFetch#fetch}) and, when it
     * decodes as a usable CD, cached; a fault or an unusable CD is not cached (fetched again next time), an
     * unusable CD's bytes logged all the same ({@link TcuEvent.GuestCdRead}).
     */
    public synchronized GuestCdFetch configGuestCd(int sid, int ssid, long ipa, PageTable s2, boolean hardwareAfS2,
            GuestMemory guest, SmmuCapabilities caps) {
        return configGuestCd(sid, ssid, ipa, s2, hardwareAfS2, guest, caps, new int[1]);
    }

    private synchronized GuestCdFetch configGuestCd(int sid, int ssid, long ipa, PageTable s2, boolean hardwareAfS2,
            GuestMemory guest, SmmuCapabilities caps, int[] reads) {
        ConfigEntry hit = config.lookup(sid, ssid);
        if (hit != null) {
            // a CD of the stream's own table held here came with an STE software replaced without CFGI_STE (the
            // old STE since evicted): it is what the cache holds, and not a CD this STE can use
            return hit.guestCd() != null ? new GuestCdFetch.Fetched(hit.guestCd()) : new GuestCdFetch.OtherKind();
        }
        reads[0]++;
        GuestCdFetch f = GuestCdFetch.fetch(ipa, s2, hardwareAfS2, guest);
        if (f instanceof GuestCdFetch.Fetched got) {
            if (got.cd().decode(caps) instanceof GuestCd.Usable) {
                fillConfig(ConfigEntry.ofGuestCd(sid, ssid, got.cd()));
            } else {
                // not cached, but journaled: replay must see the bad CD, not an older usable one at its address
                logged(new TcuEvent.GuestCdRead(sid, ssid, got.cd()));
            }
        }
        return f;
    }

    /** The STE of {@code sid}: a configuration-cache hit, or read from {@code memory} (and cached if valid). */
    public Ste configSte(int sid, StreamMemoryView memory) {
        return configSte(sid, memory, new int[1]);
    }

    /** The CD of {@code (sid, ssid)}, as {@link #configSte}; null when the CD table has none there. */
    public Cd configCd(int sid, int ssid, StreamMemoryView memory) {
        return configCd(sid, ssid, memory, new int[1]);
    }

    private synchronized Ste configSte(int sid, StreamMemoryView memory, int[] reads) {
        ConfigEntry hit = config.lookup(sid, ConfigEntry.STE);
        if (hit != null) {
            return hit.ste();
        }
        reads[0]++;
        Ste read = memory.stream(sid).map(StreamConfig::ste).orElse(Ste.invalid());
        if (read.valid()) {
            fillConfig(ConfigEntry.ofSte(sid, read));
        }
        return read;
    }

    private synchronized Cd configCd(int sid, int ssid, StreamMemoryView memory, int[] reads) {
        ConfigEntry hit = config.lookup(sid, ssid);
        if (hit != null) {
            // a CD fetched from guest memory for an STE replaced without CFGI_STE is no CD of this table: none
            return hit.cd();
        }
        reads[0]++;
        Cd read = memory.stream(sid).map(m -> m.cds().get(ssid)).orElse(null);
        if (read != null && read.valid()) {
            fillConfig(ConfigEntry.ofCd(sid, ssid, read));
        }
        return read;
    }

    /** The guest CD held for {@code (sid, ssid)}, without counting or touching it (replay, audits); null if none. */
    public synchronized GuestCd heldGuestCd(int sid, int ssid) {
        ConfigEntry e = config.peek(sid, ssid);
        return e == null ? null : e.guestCd();
    }

    private void fillConfig(ConfigEntry e) {
        config.fill(e);
        logged(new TcuEvent.ConfigFilled(config.lastSlot(), e));
    }

    /**
     * Whether a translation whose StreamID the SMMU's configuration cache resolves to {@code inTable} reads its
     * STE and CD through this TCU: when the configuration cache is bounded and the stream table reaches the
     * StreamID (an unreachable one is C_BAD_STREAMID whatever is cached).
     */
    public boolean readsConfig(StreamConfig inTable) {
        return configBounded() && !StreamConfig.outOfRange(inTable);
    }

    /**
     * What the next translation of {@code sid} would find, without looking anything up (no counting, no LRU
     * change): with a bounded configuration cache the cached STE and CDs where held, else what {@code memory}
     * holds; otherwise what the SMMU's configuration cache {@code smmuConfig} holds. For audits.
     */
    public StreamConfig configInForce(org.iommusim.persistence.config.ConfigCache smmuConfig, int sid,
            StreamMemoryView memory) {
        StreamConfig inTable = smmuConfig.effective(sid);
        return readsConfig(inTable) ? configInForce(sid, memory) : inTable;
    }

    private synchronized StreamConfig configInForce(int sid, StreamMemoryView memory) {
        StreamConfig m = memory.stream(sid).orElse(StreamConfig.UNCONFIGURED);
        ConfigEntry ste = config.peek(sid, ConfigEntry.STE);
        java.util.Map<Integer, Cd> cds = new java.util.TreeMap<>(m.cds());
        for (ConfigEntry e : config.entries()) {
            if (!e.isSte() && e.sid() == sid && e.cd() != null) {
                cds.put(e.ssid(), e.cd());
            }
        }
        return new StreamConfig(ste == null ? m.ste() : ste.ste(), cds);
    }

    /** Applies CFGI {@code c} to the configuration cache ({@link ConfigInvalidation}); the entries it removed. */
    public synchronized int invalidateConfig(Command c) {
        int removed = config.invalidate(e -> ConfigInvalidation.removes(c, e)).size();
        logged(new TcuEvent.ConfigInvalidated(c, removed));
        return removed;
    }

    /** The configuration cache's entries (empty when unbounded), set by set. */
    public synchronized List<ConfigEntry> configEntries() {
        return config.entries();
    }

    public TcuCaches shape() {
        return shape;
    }

    /**
     * From now on every fill and invalidation is also added to {@code log}, in
     * the order applied (under the TCU's lock), for the TCU's journal;
     * {@code onLogged} runs (under the lock: keep it to a message send) when
     * the log gains an event after {@link #drainLog} emptied it.
     */
    public synchronized void recordInto(List<TcuEvent> log, Runnable onLogged) {
        this.log = log;
        this.onLogged = onLogged;
        this.rung = false;
    }

    /** Hands the events logged so far to {@code take} and empties the log; null if nothing is recorded. */
    public synchronized <R> R drainLog(java.util.function.Function<List<TcuEvent>, R> take) {
        if (log == null) {
            return null;
        }
        R r = take.apply(log);
        log.clear();
        rung = false;
        return r;
    }

    private void logged(TcuEvent e) {
        if (log != null) {
            log.add(e);
            if (!rung) {
                rung = true;
                onLogged.run();
            }
        }
    }

    /**
     * Walks {@code table} (stage 1 or 2) for {@code iova} through the caches.
     *
     * @param asid the ASID for stage 1; ignored (no ASID) for stage 2
     */
    public WalkResult walk(int stage, int vmid, int asid, PageTable table, long iova, WalkTally tally) {
        return walk(stage, vmid, asid, table, iova, false, tally);
    }

    /**
     * {@link #walk(int, int, int, PageTable, long, WalkTally)}; {@code hardwareAccessFlag}: HTTU with CD.HA
     * (stage 1) or STE.S2HA (stage 2), so an AF=0 leaf is used rather than an Access fault.
     */
    public synchronized WalkResult walk(int stage, int vmid, int asid, PageTable table, long iova,
            boolean hardwareAccessFlag, WalkTally tally) {
        int tag = stage == 1 ? asid : -1;
        if (!table.inRange(iova)) {
            tally.reads++;
            if (tally.trace != null) {
                tally.trace.add(stage, iova, -1, false, table.startLevel(), PageTable.ROOT_TABLE_ID,
                        table.startLevel());
            }
            return table.walk(iova, hardwareAccessFlag);
        }
        if (stage == 2 && ipa.enabled()) {
            IpaEntry hit = ipa.lookup(vmid, iova);
            if (hit != null) {
                if (tally.trace != null) {
                    tally.trace.add(stage, iova, -1, true, 0, -1, -1);
                }
                return ipaAnswer(hit, table, iova, hardwareAccessFlag);
            }
        }
        filler.start(stage, vmid, tag, table, tally);
        WalkResult r = null;
        for (int level = 3; level >= Math.max(0, table.startLevel()) && r == null; level--) {
            WalkCache c = walk[stage][level];
            if (!c.enabled()) {
                continue;
            }
            int shift = Long.numberOfTrailingZeros(table.entrySize(level));
            WalkEntry e = c.lookup(vmid, tag, iova >>> shift, shift, false);
            if (e == null) {
                continue;
            }
            if (e.leaf()) {
                if (tally.trace != null) {
                    tally.trace.add(stage, iova, level, false, level + 1, -1, level);
                }
                return leafAnswer(level, e, table, iova, hardwareAccessFlag);
            }
            filler.from = c;
            r = table.walkFrom(level + 1, e.value(), iova, hardwareAccessFlag, filler);
            tally.reads += readsTo(r) - level;
            if (tally.trace != null) {
                tally.trace.add(stage, iova, level, false, level + 1, e.value(), readsTo(r));
            }
        }
        if (r == null) {
            r = table.walk(iova, hardwareAccessFlag, filler);
            tally.reads += readsTo(r) - table.startLevel() + 1;
            if (tally.trace != null) {
                tally.trace.add(stage, iova, -1, false, table.startLevel(), PageTable.ROOT_TABLE_ID, readsTo(r));
            }
        }
        if (stage == 2 && ipa.enabled() && r instanceof WalkResult.Leaf l && filler.leafDescriptor != 0) {
            IpaEntry e = new IpaEntry(vmid, iova >>> IpaEntry.PAGE_SHIFT, l.level(), filler.leafDescriptor, l.size());
            ipa.fill(e);
            logged(new TcuEvent.IpaFilled(ipa.lastSlot(), e));
        }
        return r;
    }

    /**
     * A stage-1 walk of a guest's tables in memory ({@link MemoryTableWalk}) through the stage-1 walk caches: the
     * deepest table entry of a guest walk tagged (vmid, asid) that covers {@code iova} lets the walk resume below
     * it, its levels above not read again; each valid table descriptor the walk reads is cached at its level
     * (with the next table's IPA and the restrictions inherited so far), and invalidated by the same TLBI rules
     * as any ({@link TcuInvalidation}: a by-VA TLBI with LEAF=1 leaves table entries). Leaf descriptors are not
     * cached here: the TLB holds what the walk produced. The walk holds the TCU's lock, its reads included, as
     * every walk does.
     *
     * @param tally its {@link WalkTally#guestWalkCacheHit} is set to the level resumed below, or -1
     */
    public synchronized MemoryTableWalk.Result guestWalk(int vmid, int asid, PageTable s1, PageTable s2, long ttb0,
            long iova, boolean hardwareAfS1, boolean hardwareAfS2, GuestMemory memory, WalkTally tally) {
        tally.guestWalkCacheHit = -1;
        if (!s1.inRange(iova)) {
            return MemoryTableWalk.walk(s1, s2, ttb0, iova, hardwareAfS1, hardwareAfS2, memory);
        }
        int from = s1.startLevel();
        long resume = ttb0;
        for (int level = 2; level >= Math.max(0, s1.startLevel()); level--) {
            WalkCache c = walk[1][level];
            if (!c.enabled()) {
                continue;
            }
            int shift = Long.numberOfTrailingZeros(s1.entrySize(level));
            WalkEntry e = c.lookup(vmid, asid, iova >>> shift, shift, true);
            if (e != null) {
                from = level + 1;
                resume = e.value() & ~WalkEntry.GUEST_TABLE;
                tally.guestWalkCacheHit = level;
                break;
            }
        }
        return MemoryTableWalk.walkFrom(from, resume, s1, s2, iova, hardwareAfS1, hardwareAfS2, memory,
                (level, input, next) -> {
                    WalkCache c = walk[1][level];
                    if (c.enabled()) {
                        int shift = Long.numberOfTrailingZeros(s1.entrySize(level));
                        WalkEntry e = new WalkEntry(vmid, asid, input >>> shift, shift, false,
                                next | WalkEntry.GUEST_TABLE);
                        c.fill(e);
                        logged(new TcuEvent.WalkFilled(1, level, c.lastSlot(), e));
                    }
                });
    }

    /**
     * What a walk of {@code table} for {@code iova} that hits leaf entry
     * {@code e} of the walk cache at {@code level} returns: the cached block or
     * page descriptor's answer, the tables unread (the rule {@link #walk} and
     * the checker's audit of the walk caches share).
     */
    public static WalkResult leafAnswer(int level, WalkEntry e, PageTable table, long iova,
            boolean hardwareAccessFlag) {
        if (!e.leaf()) {
            throw new IllegalArgumentException("a table entry has no answer of its own: " + e);
        }
        return table.leafOf(level, e.value(), iova, hardwareAccessFlag);
    }

    /** What a stage-2 walk of {@code table} for {@code ipa} that hits IPA-cache entry {@code e} returns. */
    public static WalkResult ipaAnswer(IpaEntry e, PageTable table, long ipa, boolean hardwareAccessFlag) {
        return table.leafOf(e.level(), e.descriptor(), ipa, hardwareAccessFlag);
    }

    /**
     * Whether table entry {@code e} of the walk cache at {@code level} names
     * a table page {@code table} no longer holds in its place: a walk it
     * leads reads freed memory ({@link DescriptorSink#freedTable}). False for
     * a leaf entry.
     */
    public static boolean namesFreedTable(int level, WalkEntry e, PageTable table) {
        return !e.leaf() && !table.holdsTable(level + 1, e.value(), e.base());
    }

    private static int readsTo(WalkResult r) {
        return r instanceof WalkResult.Leaf l ? l.level() : ((WalkResult.WalkFault) r).level();
    }

    /** Applies {@code c} to every cache; the number of entries it removed. */
    public synchronized int invalidate(TlbiCommand c) {
        int removed = invalidateQuietly(c);
        logged(new TcuEvent.Invalidated(c, removed));
        return removed;
    }

    private int invalidateQuietly(TlbiCommand c) {
        int removed = 0;
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                int s = stage;
                int l = level;
                removed += walk[stage][level].invalidate(e -> TcuInvalidation.removes(c, s, l, e)).size();
            }
        }
        removed += ipa.invalidate(e -> TcuInvalidation.removes(c, e)).size();
        return removed;
    }

    /**
     * Replays one logged event (the rule the journal, the replay tools and a
     * restart use): a fill goes to the slot it names, an invalidation removes
     * what {@link TcuInvalidation} selects, a configuration of these shapes
     * empties every cache. Nothing is logged again.
     *
     * @return the entry a fill displaced from its slot (a {@link WalkEntry}, {@link IpaEntry} or
     *         {@link ConfigEntry}: the eviction the fill made), null when the slot was free or the event is no fill
     * @throws IllegalArgumentException for a configuration of other shapes (make a new TCU) or a slot outside its cache
     */
    public synchronized Object apply(TcuEvent e) {
        if (e instanceof TcuEvent.WalkFilled f) {
            return walk[f.stage()][f.level()].place(f.slot(), f.entry());
        } else if (e instanceof TcuEvent.IpaFilled f) {
            return ipa.place(f.slot(), f.entry());
        } else if (e instanceof TcuEvent.Invalidated i) {
            invalidateQuietly(i.command());
        } else if (e instanceof TcuEvent.ConfigFilled f) {
            return config.place(f.slot(), f.entry());
        } else if (e instanceof TcuEvent.ConfigInvalidated i) {
            config.invalidate(c -> ConfigInvalidation.removes(i.command(), c));
        } else if (e instanceof TcuEvent.Configured c) {
            if (!c.shape().equals(shape)) {
                throw new IllegalArgumentException("a TCU of shapes " + shape + " cannot take " + c.shape());
            }
            clear();
        } else if (e instanceof TcuEvent.AcksAhead a) {
            if (a.ahead() && acksAhead) {
                clear(); // the run that marked these caches ended without its clean close
            }
            acksAhead = a.ahead();
        }
        return null;
    }

    private void clear() {
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                walk[stage][level].clear();
            }
        }
        ipa.clear();
        config.clear();
    }

    /**
     * Applies and logs the marker {@link TcuEvent.AcksAhead}: set ({@code ahead}) before the first invalidation
     * acknowledged ahead of the log, cleared as a clean close's last event.
     */
    public synchronized void markAcksAhead(boolean ahead) {
        TcuEvent.AcksAhead m = new TcuEvent.AcksAhead(ahead);
        apply(m);
        logged(m);
    }

    /** Whether the last {@link TcuEvent.AcksAhead} marker applied said ahead. */
    public synchronized boolean acksAhead() {
        return acksAhead;
    }

    /** Empties every cache and logs the shapes ({@link TcuEvent.Configured}): a log's first event. */
    public synchronized void configure() {
        TcuEvent.Configured c = new TcuEvent.Configured(shape);
        apply(c);
        logged(c);
    }

    /** Every entry held (as the fill that put it in its slot, least recently used first) and every counter. */
    public synchronized TcuSnapshot snapshot() {
        List<TcuEvent> fills = new ArrayList<>();
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                for (var se : walk[stage][level].byUse()) {
                    fills.add(new TcuEvent.WalkFilled(stage, level, se.getKey(), se.getValue()));
                }
            }
        }
        for (var se : ipa.byUse()) {
            fills.add(new TcuEvent.IpaFilled(se.getKey(), se.getValue()));
        }
        for (var se : config.byUse()) {
            fills.add(new TcuEvent.ConfigFilled(se.getKey(), se.getValue()));
        }
        return new TcuSnapshot(shape, fills, stats(), acksAhead);
    }

    /** A TCU holding exactly what {@code s} recorded. */
    public static Tcu restore(TcuSnapshot s) {
        Tcu t = new Tcu(s.shape());
        t.load(s);
        return t;
    }

    /**
     * Replaces what this TCU holds by {@code s} (a restart: the shared live
     * TCU takes what its journal recovered).
     *
     * @throws IllegalArgumentException if {@code s} has other shapes
     */
    public synchronized void load(TcuSnapshot s) {
        apply(new TcuEvent.Configured(s.shape()));
        for (TcuEvent e : s.fills()) {
            apply(e);
        }
        acksAhead = s.acksAhead();
        List<CacheStats> st = s.stats();
        if (st.size() >= 2 * TcuCaches.LEVELS + 1) {
            int k = 0;
            for (int stage = 1; stage <= 2; stage++) {
                for (int level = 0; level < TcuCaches.LEVELS; level++) {
                    walk[stage][level].restoreCounters(st.get(k++));
                }
            }
            ipa.restoreCounters(st.get(k++));
            if (st.size() > k && config.enabled()) {
                config.restoreCounters(st.get(k));
            }
        }
    }

    /** The walk cache of {@code stage} (1 or 2) at {@code level}. */
    public synchronized List<WalkEntry> walkEntries(int stage, int level) {
        return walk[stage][level].entries();
    }

    public synchronized List<IpaEntry> ipaEntries() {
        return ipa.entries();
    }

    /**
     * Each cache's statistics: stage-1 walk caches L0-L3, stage-2 L0-L3, the IPA cache, then the configuration
     * cache when it is bounded (unbounded it is the SMMU's, and counts nothing here).
     */
    public synchronized List<CacheStats> stats() {
        List<CacheStats> out = new ArrayList<>();
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                out.add(walk[stage][level].stats());
            }
        }
        out.add(ipa.stats());
        if (config.enabled()) {
            out.add(config.stats());
        }
        return out;
    }

    /** The first {@link #FREED_READS_KEPT} walks that read a freed table page. */
    public synchronized List<FreedTableRead> freedTableReads() {
        return Collections.unmodifiableList(new ArrayList<>(freed));
    }

    /** Fills the walk caches with what one walk reads; used under the TCU's lock only. */
    private final class Filler implements DescriptorSink {
        private int stage;
        private int vmid;
        private int asid;
        private PageTable table;
        private WalkTally tally;
        WalkCache from;
        long leafDescriptor;

        void start(int stage, int vmid, int asid, PageTable table, WalkTally tally) {
            this.stage = stage;
            this.vmid = vmid;
            this.asid = asid;
            this.table = table;
            this.tally = tally;
            this.from = null;
            this.leafDescriptor = 0;
        }

        @Override
        public void table(int level, long iova, long tableId) {
            put(level, iova, false, tableId);
        }

        @Override
        public void leaf(int level, long iova, long descriptor) {
            leafDescriptor = descriptor;
            put(level, iova, true, descriptor);
        }

        private void put(int level, long iova, boolean leaf, long value) {
            if (level < 0) {
                return;
            }
            WalkCache c = walk[stage][level];
            if (c.enabled()) {
                int shift = Long.numberOfTrailingZeros(table.entrySize(level));
                WalkEntry e = new WalkEntry(vmid, asid, iova >>> shift, shift, leaf, value);
                c.fill(e);
                logged(new TcuEvent.WalkFilled(stage, level, c.lastSlot(), e));
            }
        }

        @Override
        public void freedTable(int level, long iova, long tableId) {
            tally.freedTable = true;
            if (from != null) {
                from.countFreedTableRead();
            }
            if (freed.size() < FREED_READS_KEPT) {
                freed.add(new FreedTableRead(stage, level, vmid, asid, iova, tableId));
            }
        }
    }
}
