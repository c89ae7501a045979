package org.iommusim.actors.iommufd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuListener;
import org.iommusim.actors.iommufd.internal.CommandBatches;
import org.iommusim.actors.iommufd.internal.Deferred;
import org.iommusim.actors.iommufd.internal.IoasState;
import org.iommusim.actors.iommufd.internal.ModelErrors;
import org.iommusim.actors.iommufd.internal.UserArray;
import org.iommusim.actors.iommufd.internal.VeventQueue;
import org.iommusim.persistence.domain.DomainAllocation;
import org.iommusim.persistence.domain.DomainError;
import org.iommusim.persistence.ids.IdKind;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RangeInvalidation;
import org.iommusim.protocol.command.RangeTarget;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.RawEvent;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;

/**
 * An iommufd-style host interface over one SMMU of a running model: what a
 * VMM sees through {@code /dev/iommu} on a Linux host with arm-smmu-v3. IO
 * address spaces, paging and nested HWPTs, vIOMMUs with vDEVICEs, guest
 * invalidations, and a VFIO type1 compatibility container.
 *
 * <p>Every refusal is an {@link IommufdException} carrying the errno Linux
 * returns; docs/EMBEDDING.md lists them with their sources. Page-table rules,
 * domain-allocation rules and command legality are the model's
 * ({@code PageTable}, {@code DomainAllocation}, {@code CommandRules}), reached
 * through the {@link IommuSim} facade; this class only adds iommufd's object
 * model on top.
 *
 * <p>VMIDs and ASIDs come from the SMMU's allocator ({@link IommuSim#allocateVmid}),
 * not from the host: two hosts (two VMMs) on one SMMU never share a tag, and a
 * freed HWPT's tag is reused only after its flush (TLBI and CMD_SYNC) has
 * completed, as arm-smmu-v3 frees a domain.
 *
 * <p>Calls block until the model has done the work (journal written, CMD_SYNC
 * completed). Thread-safe. The host's monitor guards its object table and is
 * held across the model's journaled writes (page tables, STEs, CDs), which wait
 * on no other caller; it is never held while a call waits for a CMD_SYNC or a
 * VMID/ASID flush: the state changes under the monitor, the commands are
 * issued and waited for without it, and the monitor is taken again to finish.
 * So vCPUs' invalidations and unmaps are in flight together, and the model's
 * event delivery to vEVENTQs (which reads a routing snapshot, never the
 * monitor) goes on while a host call waits. Races are settled as Linux's
 * locks settle them: a map or unmap overlapping a range whose invalidation is
 * in flight waits for it ({@code iova_rwsem}); a HWPT a device is leaving
 * stays in use (EBUSY to destroy, and in its IOAS, so an unmap still unmaps
 * it and invalidates its tag) until the leaving STE's CFGI_STE has
 * completed; {@link #close()} invalidates the STE of a device whose change is
 * still in flight before it frees anything; of two STE changes for one device, each call returns after a
 * CFGI_STE issued after its own write, and the later write is the one in force.
 * The object table itself is not journaled, as iommufd's objects
 * live only as long as the file descriptor: after a restart, open a new host
 * with a fresh {@code firstDomainId} range. {@link #close()} is closing that
 * file descriptor: devices detached, every object destroyed.
 */
public final class IommufdHost implements AutoCloseable {
    /** {@code UINT64_MAX}: with IOVA 0, {@code IOMMU_IOAS_UNMAP} unmaps everything. */
    public static final long UNMAP_ALL_LENGTH = -1L;
    /** Bytes of one guest command in an {@code IOMMU_HWPT_INVALIDATE} array for arm-smmu-v3. */
    public static final int ARM_SMMUV3_INVALIDATE_ENTRY = RawCommand.BYTES;

    private static final long DEFAULT_FIRST_DOMAIN = 1L << 32;

    private final IommuSim sim;
    private final Smmu smmu;
    private final SmmuCapabilities caps;
    private final Granule granule;
    private final int ioasBits;
    private long nextDomain;
    private int nextId = 1;
    private final Map<Integer, IommufdObject> objects = new HashMap<>();
    private final Map<Integer, IoasState> ioasStates = new HashMap<>();
    private final Map<Integer, Map<Integer, Integer>> vsidTables = new HashMap<>();
    /** StreamID to the HWPT its device is attached to. */
    private final Map<Integer, Integer> attachments = new HashMap<>();
    /** HWPTs made by attaching to an IOAS: destroyed when their last device leaves, as iommufd's auto domains. */
    private final Set<Integer> autoDomains = new HashSet<>();
    /** The guest stage-1 tables made through each vIOMMU's {@link GuestRam}. */
    private final Map<Integer, List<DomainId>> guestTables = new HashMap<>();
    private boolean closed;
    /** Where guests keep their CD tables and stage-1 tables when they are in guest RAM; null: in the model. */
    private GuestMemory guestMemory;
    /** Each vEVENTQ's contents, by the vEVENTQ's ID. */
    private final Map<Integer, VeventQueue> veventqs = new HashMap<>();
    /** Routes the SMMU's event records to the vEVENTQs; registered with the first vEVENTQ. */
    private SmmuListener eventRouter;
    /**
     * Physical StreamID to the vEVENTQs its records go to, with the vSID: rebuilt under the monitor whenever an
     * attachment, vDEVICE or vEVENTQ changes, read without it by the model's interrupt thread.
     */
    private volatile Map<Integer, List<Route>> routes = Map.of();
    /**
     * HWPTs a device is leaving, one entry per STE change whose CFGI_STE has not completed (in flight, or its
     * CMD_SYNC failed): the STE in force may still name them, so they stay in their IOAS (unmaps still unmap
     * them and invalidate their tag) and are neither destroyed nor freed until then.
     */
    private final List<Integer> leaving = new ArrayList<>();
    /**
     * StreamIDs whose STE was written and whose CFGI_STE has not completed, one entry per STE change: {@link #close()}
     * issues a CFGI_STE for them too before freeing anything, since the SMMU may still hold their old STE.
     */
    private final List<Integer> unsyncedSids = new ArrayList<>();

    private record Route(int vsid, VeventQueue queue) {}

    private IommufdHost(IommuSim sim, Smmu smmu, long firstDomainId) {
        this.sim = sim;
        this.smmu = smmu;
        this.caps = smmu.capabilities();
        this.granule = caps.granules().stream().min(Enum::compareTo).orElseThrow();
        this.ioasBits = Math.min(48, caps.oas());
        this.nextDomain = firstDomainId;
    }

    /** A host on {@code smmu} whose domains are numbered from 2^32 (clear of hand-made domain IDs). */
    public static IommufdHost open(IommuSim sim, Smmu smmu) {
        return new IommufdHost(sim, smmu, DEFAULT_FIRST_DOMAIN);
    }

    /** A host whose hidden and HWPT domains take IDs from {@code firstDomainId} upwards. */
    public static IommufdHost open(IommuSim sim, Smmu smmu, long firstDomainId) {
        return new IommufdHost(sim, smmu, firstDomainId);
    }

    /** The SMMU this host drives. */
    public Smmu smmu() {
        return smmu;
    }

    /** The model this host runs on. */
    public IommuSim model() {
        return sim;
    }

    /** {@code IOMMU_GET_HW_INFO}: the SMMU's ID-register fields. */
    public IdrInfo hwInfo() {
        return IdrInfo.of(caps);
    }

    /**
     * {@code IOMMU_GET_HW_INFO} as Linux answers it for arm-smmu-v3: type
     * ARM_SMMUV3, {@code struct iommu_hw_info_arm_smmuv3} (IDR0..IDR5, IIDR,
     * AIDR), {@code out_capabilities} and {@code out_max_pasid_log2}.
     *
     * @throws IommufdException EBADF (the host is closed)
     */
    public synchronized HwInfo getHwInfo() {
        requireOpen();
        return new HwInfo(HwInfo.TYPE_ARM_SMMUV3, HwInfoArmSmmuv3.of(IdrInfo.of(caps)), 0, caps.ssidBits());
    }

    /** The object with this ID, if any (none once the host is closed). */
    public synchronized Optional<IommufdObject> object(int id) {
        return Optional.ofNullable(objects.get(id));
    }

    // ---- IOAS ---------------------------------------------------------------

    /** {@code IOMMU_IOAS_ALLOC}: a new, empty IO address space. */
    public synchronized int ioasAlloc() {
        requireOpen();
        DomainId backing = allocateDomain(caps.stage1() ? DomainSpec.stage1(granule, ioasBits, caps.oas(), 0)
                : DomainSpec.stage2(granule, ioasBits, caps.oas(), 0));
        Ioas ioas = new Ioas(nextId++, backing);
        objects.put(ioas.id(), ioas);
        ioasStates.put(ioas.id(), new IoasState(ioas));
        return ioas.id();
    }

    /**
     * {@code IOMMU_IOAS_MAP} with a fixed IOVA: maps {@code length} bytes at
     * {@code iova} to {@code pa} (standing for the user VA a VMM would pass) in
     * the IOAS and in every HWPT filled from it. Mapping over an existing area
     * is {@link Errno#EEXIST}; misalignment or no access is {@link Errno#EINVAL}.
     * Waits (without the monitor) while an unmap overlapping the range still
     * has its invalidation in flight, as iommufd's {@code iova_rwsem} does.
     *
     * @throws IommufdException ENOENT (not an IOAS), EEXIST, EINVAL, ERANGE (beyond the IOAS's input size),
     *         EINTR (interrupted while waiting for an overlapping unmap), EBADF (closed)
     */
    public synchronized void ioasMap(int ioasId, long iova, long pa, long length, Prot prot) {
        IoasState s = awaitNoUnmapInFlight(ioasId, iova, length);
        MapBatch batch = MapBatch.single(iova, pa, length, prot);
        call(() -> sim.map(s.ioas.backing(), batch));
        for (PagingHwpt h : s.hwpts) {
            call(() -> sim.map(h.domain(), batch));
        }
        s.areas.put(iova, batch.segments().get(0));
    }

    /**
     * {@code IOMMU_IOAS_UNMAP}: unmaps every area inside {@code [iova, iova + length)}
     * and answers the bytes unmapped. Nothing mapped there, or a range that cuts
     * an area, is {@link Errno#ENOENT}. With {@code iova = 0} and
     * {@code length = }{@link #UNMAP_ALL_LENGTH} it unmaps everything and, as
     * iommufd's selftest expects ("Unmap all succeeds on an empty IOAS"),
     * succeeds with 0 on an empty IOAS. Each HWPT's IOTLB entries for the
     * removed areas are invalidated (CMD_SYNC completed) before it returns,
     * as Linux's strict mode does. The page tables change under the monitor;
     * the TLBIs and their CMD_SYNC are waited for without it, so other vCPUs'
     * unmaps and invalidations are in flight meanwhile; a map or unmap
     * overlapping the range waits until this one's invalidation completed.
     *
     * @throws IommufdException ENOENT (not an IOAS, nothing mapped, an area cut), EINTR (interrupted while
     *         waiting for an overlapping unmap), EBADF (closed), EIO (the queue halted on the TLBIs)
     */
    public long ioasUnmap(int ioasId, long iova, long length) {
        boolean all = iova == 0 && length == UNMAP_ALL_LENGTH;
        long size = all ? 1L << ioasBits : length;
        IoasState s;
        long unmapped;
        List<Command> tlbis;
        long[] inFlight = {iova, iova + size};
        synchronized (this) {
            s = awaitNoUnmapInFlight(ioasId, iova, size);
            if (all && s.areas.isEmpty()) {
                return 0;
            }
            UnmapBatch batch = UnmapBatch.single(iova, size);
            DomainId backing = s.ioas.backing();
            long before = mappedBytes(backing);
            call(() -> sim.unmap(backing, batch));
            unmapped = before - mappedBytes(backing);
            List<MapSegment> removed = s.removeAreas(iova, iova + size);
            for (PagingHwpt h : s.hwpts) {
                call(() -> sim.unmap(h.domain(), batch));
            }
            tlbis = unmapTlbis(s.hwpts, removed);
            if (tlbis.isEmpty()) {
                return unmapped;
            }
            s.unmapsInFlight.add(inFlight);
        }
        // without the monitor: other vCPUs' unmaps and invalidations, and event delivery, go on meanwhile
        try {
            issuing.accept(tlbis);
            CommandBatches.issueWithSync(sim, smmu, tlbis);
        } finally {
            synchronized (this) {
                s.unmapsInFlight.remove(inFlight);
                notifyAll();
            }
        }
        return unmapped;
    }

    /**
     * The IOAS {@code ioasId} once no unmap overlapping {@code [iova, iova + length)} has its invalidation in
     * flight; waits (releasing the monitor) while one has. Called under the monitor.
     */
    private IoasState awaitNoUnmapInFlight(int ioasId, long iova, long length) {
        while (true) {
            requireOpen();
            IoasState s = ioas(ioasId);
            if (!s.unmapInFlight(iova, length)) {
                return s;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IommufdException(Errno.EINTR, "interrupted while waiting for an overlapping unmap's"
                        + " invalidation to complete");
            }
        }
    }

    /** The TLBIs that remove {@code removed} from each HWPT's IOTLB entries (and walk caches). */
    private List<Command> unmapTlbis(List<PagingHwpt> hwpts, List<MapSegment> removed) {
        List<Command> tlbis = new ArrayList<>();
        if (hwpts.isEmpty() || removed.isEmpty()) {
            return tlbis;
        }
        for (PagingHwpt h : hwpts) {
            RangeTarget target = h.stage() == DomainStage.STAGE2 ? RangeTarget.stage2(h.vmid())
                    : RangeTarget.stage1(0, h.asid());
            for (MapSegment area : removed) {
                // non-leaf: an area may end in blocks of any level, and walk caches go too
                tlbis.addAll(RangeInvalidation.build(target, area.iova(), area.size(), granule, false, caps.ril()));
            }
            if (h.nestParent()) {
                // combined stage-1+2 entries are not removed by S2_IPA: Linux follows with NH_ALL of the VMID
                tlbis.add(new TlbiNhAll(h.vmid()));
            }
        }
        return tlbis;
    }

    // ---- HWPT ---------------------------------------------------------------

    /**
     * {@code IOMMU_HWPT_ALLOC}. With an IOAS as {@code ptId} and no data: a
     * paging HWPT, stage 1 by default, stage 2 with {@link HwptFlags#NEST_PARENT}
     * (or when the SMMU has only stage 2). With a nest-parent HWPT or a vIOMMU as
     * {@code ptId} and {@link HwptData#ARM_SMMUV3} data: a nested HWPT holding the
     * guest STE.
     *
     * @param data null or {@link HwptData#NONE} for a paging HWPT
     * @throws IommufdException ENOENT (no such object); EINVAL (nested-on-nested,
     *         a parent without NEST_PARENT, a nested request without data, short
     *         data); EOPNOTSUPP (unknown flags or data type, flags on a nested
     *         request, a capability the SMMU lacks); E2BIG (longer data with
     *         non-zero tail); EIO (a guest STE a guest may not write); ENOSPC
     *         (no VMID left on the SMMU) or EBUSY (no ASID left), as
     *         arm-smmu-v3's allocators answer
     */
    public int hwptAlloc(int ptId, int flags, HwptData data) {
        Deferred undo = new Deferred();
        try {
            synchronized (this) {
                return hwptAllocLocked(ptId, flags, data, undo);
            }
        } catch (RuntimeException e) {
            undo.runAfter(e); // a refused allocation's tag goes back through its flush, without the monitor
            throw e;
        }
    }

    private int hwptAllocLocked(int ptId, int flags, HwptData data, Deferred undo) {
        requireOpen();
        // iommufd_hwpt_alloc checks the data type against the length first, then looks the parent up
        boolean hasData = data != null && data.type() != HwptData.NONE;
        if (data != null && data.type() == HwptData.NONE && data.length() != 0) {
            throw new IommufdException(Errno.EINVAL, "IOMMU_HWPT_DATA_NONE with " + data.length() + " bytes of data");
        }
        if (hasData && data.length() == 0) {
            throw new IommufdException(Errno.EINVAL, "data type " + data.type() + " with data_len 0");
        }
        IommufdObject pt = objects.get(ptId);
        if (pt == null) {
            // iommufd_hwpt_alloc: a pt_id iommufd_get_object cannot find is -EINVAL, not -ENOENT
            throw new IommufdException(Errno.EINVAL, "pt_id " + ptId + " names no object");
        }
        if (pt instanceof Ioas ioas) {
            if ((flags & ~HwptFlags.KNOWN) != 0) {
                throw new IommufdException(Errno.EOPNOTSUPP, "unknown HWPT flags 0x" + Integer.toHexString(flags));
            }
            if ((flags & (HwptFlags.DIRTY_TRACKING | HwptFlags.PASID)) != 0) {
                throw new IommufdException(Errno.EOPNOTSUPP, "DIRTY_TRACKING and PASID HWPTs are not modelled");
            }
            if (hasData) {
                // arm_smmu_domain_alloc_paging_flags takes no user data
                throw new IommufdException(Errno.EOPNOTSUPP, "a paging HWPT takes no driver data (type " + data.type() + ")");
            }
            return pagingAlloc(ioasStates.get(ioas.id()), (flags & HwptFlags.NEST_PARENT) != 0, undo);
        }
        if (pt instanceof PagingHwpt parent) {
            return nestedAlloc(parent, 0, flags, hasData ? data : null);
        }
        if (pt instanceof Viommu v) {
            return nestedAlloc((PagingHwpt) objects.get(v.parent()), v.id(), flags, hasData ? data : null);
        }
        if (pt instanceof NestedHwpt) {
            throw new IommufdException(Errno.EINVAL,
                    "nested-on-nested: HWPT " + ptId + " is itself nested; a nested HWPT's parent must be a NEST_PARENT paging HWPT");
        }
        throw new IommufdException(Errno.EINVAL, "object " + ptId + " is a " + kind(pt) + ", not an IOAS, HWPT or vIOMMU");
    }

    /** {@code IOMMU_HWPT_ALLOC} of a paging HWPT with no flags. */
    public int hwptAlloc(int ioasId) {
        return hwptAlloc(ioasId, 0, null);
    }

    private int pagingAlloc(IoasState s, boolean nestParent, Deferred undo) {
        if (nestParent) {
            refuseUnlessNestingPossible();
        }
        // arm_smmu_domain_finalise: stage 2 (a nest parent, or no stage 1) takes a VMID, stage 1 an ASID
        IdKind kind = nestParent || !caps.stage1() ? IdKind.VMID : IdKind.ASID;
        int tag = allocateTag(kind);
        DomainSpec spec = kind == IdKind.VMID ? DomainSpec.stage2(granule, ioasBits, caps.oas(), tag)
                : DomainSpec.stage1(granule, ioasBits, caps.oas(), tag);
        DomainId domain = null;
        try {
            domain = allocateDomain(spec);
            if (!s.areas.isEmpty()) {
                // iommufd fills a new domain from the IOAS's areas, one segment per area so areas stay areas
                DomainId filled = domain;
                call(() -> sim.map(filled, new MapBatch(new ArrayList<>(s.areas.values()))));
            }
        } catch (IommufdException e) {
            // nothing may keep the tag: no STE or CD ever named it, but it goes back through its flush all the same
            DomainId made = domain;
            undo.add(() -> {
                if (made != null) {
                    call(() -> sim.freeDomain(made));
                }
                releaseTag(kind, tag);
            });
            throw e;
        }
        PagingHwpt h = new PagingHwpt(nextId++, s.ioas.id(), domain, spec.stage(), nestParent, spec.asid(), spec.vmid());
        objects.put(h.id(), h);
        s.hwpts.add(h);
        return h.id();
    }

    private void refuseUnlessNestingPossible() {
        // Linux refuses NEST_PARENT without ARM_SMMU_FEAT_NESTING; the model's own rule says so for a nested spec
        DomainSpec s2 = DomainSpec.stage2(granule, ioasBits, caps.oas(), 0);
        DomainSpec probe = DomainSpec.nested(DomainId.of(0), granule, ioasBits, ioasBits, 0);
        Optional<DomainError> e = DomainAllocation.check(probe, caps, Optional.of(s2));
        if (e.isPresent()) {
            throw new IommufdException(ModelErrors.errnoOf(e.get()), "NEST_PARENT: " + e.get().message());
        }
    }

    private int nestedAlloc(PagingHwpt parent, int viommu, int flags, HwptData data) {
        // iommufd_hwpt_nested_alloc and iommufd_viommu_alloc_hwpt_nested: flags or no data, -EOPNOTSUPP
        if (flags != 0) {
            throw new IommufdException(Errno.EOPNOTSUPP, "a nested HWPT takes no flags, got 0x" + Integer.toHexString(flags));
        }
        if (data == null) {
            throw new IommufdException(Errno.EOPNOTSUPP, "a nested HWPT needs driver data (IOMMU_HWPT_DATA_ARM_SMMUV3)");
        }
        if (!parent.nestParent()) {
            throw new IommufdException(Errno.EINVAL,
                    "HWPT " + parent.id() + " was not allocated with NEST_PARENT and cannot be a nesting parent");
        }
        if (data.type() != HwptData.ARM_SMMUV3) {
            throw new IommufdException(Errno.EOPNOTSUPP, "data type " + data.type() + " is not one arm-smmu-v3 knows");
        }
        if (data.length() < HwptData.ARM_SMMUV3_LENGTH) {
            throw new IommufdException(Errno.EINVAL, "struct iommu_hwpt_arm_smmuv3 is " + HwptData.ARM_SMMUV3_LENGTH
                    + " bytes, got " + data.length());
        }
        if (!data.zeroFrom(HwptData.ARM_SMMUV3_LENGTH)) {
            throw new IommufdException(Errno.E2BIG, "bytes beyond struct iommu_hwpt_arm_smmuv3 must be zero");
        }
        DomainSpec parentSpec = table(parent.domain()).spec();
        DomainSpec probe = DomainSpec.nested(parent.domain(), granule, ioasBits, parentSpec.ias(), 0);
        Optional<DomainError> e = DomainAllocation.check(probe, caps, Optional.of(parentSpec));
        if (e.isPresent()) {
            throw new IommufdException(ModelErrors.errnoOf(e.get()), e.get().message());
        }
        GuestSte ste = GuestSte.parse(data.word(0), data.word(8));
        NestedHwpt h = new NestedHwpt(nextId++, parent.id(), viommu, ste);
        objects.put(h.id(), h);
        return h.id();
    }

    // ---- attach ---------------------------------------------------------------

    /**
     * Attaches the device with physical StreamID {@code sid} to a HWPT (or to an
     * IOAS, through a new paging HWPT, as iommufd's auto-domain does): writes its
     * STE (and CD for a stage-1 HWPT), then CFGI_STE and CMD_SYNC. A nested
     * HWPT's STE follows the guest's: ABORT, stage 2 only for BYPASS, or nested
     * with the guest's CD table for stage 1.
     *
     * <p>The STE is written under the host's monitor and the CFGI_STE waited
     * for without it. If that CMD_SYNC fails (the queue halted), the device
     * counts as attached (its STE in memory names the HWPT) and the HWPT it
     * left stays held (EBUSY to destroy, an auto domain not freed) until
     * {@link #close()}, since the STE in force may still name it.
     *
     * @return the HWPT the device is now attached to
     */
    public int attach(int sid, int hwptOrIoasId) {
        Deferred undo = new Deferred();
        int hwpt;
        SteChange change;
        try {
            synchronized (this) {
                hwpt = attachLocked(sid, hwptOrIoasId, undo);
                change = beginSteChange(sid, attachments.put(sid, hwpt));
            }
        } catch (RuntimeException e) {
            undo.runAfter(e);
            throw e;
        }
        finishSteChange(change);
        return hwpt;
    }

    private int attachLocked(int sid, int hwptOrIoasId, Deferred undo) {
        requireOpen();
        requireDevice(sid);
        IommufdObject o = find(hwptOrIoasId);
        if (o instanceof Ioas ioas) {
            PagingHwpt auto = (PagingHwpt) objects.get(pagingAlloc(ioasStates.get(ioas.id()), false, undo));
            autoDomains.add(auto.id());
            try {
                writeSte(sid, steFor(sid, auto));
            } catch (IommufdException e) {
                // a device never reached it: it goes as it came, its tag through its flush after the monitor
                undo.add(unlink(auto));
                throw e;
            }
            return auto.id();
        }
        if (o instanceof NestedHwpt n && n.viommu() != 0 && n.ste().config() == org.iommusim.protocol.config.SteConfig.STAGE1
                && !vsidTables.get(n.viommu()).containsValue(sid)) {
            // arm_smmu_attach_prepare_vmaster: iommufd_viommu_get_vdev_id finds no vDEVICE, -ENOENT
            // (an ABORT or BYPASS guest STE may attach without one, as Linux allows since its GBPA fix)
            throw new IommufdException(Errno.ENOENT, "the device with StreamID 0x" + Integer.toHexString(sid)
                    + " has no vDEVICE on vIOMMU " + n.viommu() + ", needed to attach to a translating nested HWPT");
        }
        writeSte(sid, steFor(sid, o));
        return o.id();
    }

    private Ste steFor(int sid, IommufdObject o) {
        Ste ste;
        if (o instanceof PagingHwpt h) {
            if (h.stage() == DomainStage.STAGE1) {
                call(() -> sim.writeCd(smmu, sid, 0, Cd.of(h.asid(), h.domain())));
                ste = Ste.stage1(0, S1Dss.SSID0);
            } else {
                ste = Ste.stage2(h.vmid(), h.domain());
            }
        } else if (o instanceof NestedHwpt n) {
            PagingHwpt parent = (PagingHwpt) objects.get(n.parent());
            ste = switch (n.ste().config()) {
                case BYPASS -> Ste.stage2(parent.vmid(), parent.domain());
                case STAGE1 -> {
                    Ste nested = Ste.nested(n.ste().s1CdMax(), n.ste().s1dss(), parent.vmid(), parent.domain());
                    // with guest RAM the guest's own CD table, at the guest STE's S1ContextPtr, is read
                    yield guestMemory == null ? nested : nested.withGuestCds(n.ste().s1ContextPtr());
                }
                default -> Ste.abort();
            };
        } else {
            throw new IommufdException(Errno.EINVAL, "object " + o.id() + " is a " + kind(o) + ", not a HWPT or IOAS");
        }
        return ste;
    }

    /**
     * Detaches the device: its STE becomes ABORT (Linux's blocking domain),
     * effective after CFGI_STE and CMD_SYNC. A HWPT made by attaching to an
     * IOAS is destroyed when its last device leaves (iommufd's auto domain),
     * after the CFGI_STE has completed. The CMD_SYNC is waited for without
     * the host's monitor; if it fails, the device counts as detached and the
     * HWPT it left stays held until {@link #close()} (the STE in force may
     * still name it). Until that CMD_SYNC completes the HWPT left stays in its
     * IOAS: an unmap meanwhile unmaps it and invalidates its tag too.
     */
    public void detach(int sid) {
        SteChange change;
        synchronized (this) {
            requireOpen();
            requireDevice(sid);
            writeSte(sid, Ste.abort());
            change = beginSteChange(sid, attachments.remove(sid));
        }
        finishSteChange(change);
    }

    /**
     * A device's STE written; its CFGI_STE and CMD_SYNC still to come. {@code held}: the HWPT it left (null:
     * none), in use until then.
     */
    private record SteChange(int sid, Integer held) {}

    /**
     * Under the monitor, after the STE write and the attachment change: what is left to do without it. The HWPT
     * left stays in every table (an auto domain too, in its IOAS) until the CFGI_STE has completed, as Linux
     * takes a domain out of the io_pagetable only after {@code iommu_detach_group} returns.
     */
    private SteChange beginSteChange(int sid, Integer left) {
        Integer held = left != null && objects.containsKey(left) ? left : null;
        if (held != null) {
            leaving.add(held);
        }
        unsyncedSids.add(sid);
        republishRoutes();
        return new SteChange(sid, held);
    }

    /**
     * Without the monitor: CFGI_STE (LEAF=0: the STE and every CD under it) and CMD_SYNC; then, under the monitor,
     * the HWPT left is let go and, if an auto domain no device uses any more, unlinked; its domain and tag are
     * freed without the monitor. If the CMD_SYNC fails, the HWPT left stays held (the STE in force may still name
     * it) and the StreamID stays for {@link #close()} to invalidate again.
     */
    private void finishSteChange(SteChange change) {
        List<Command> cfgi = List.of(new CfgiSte(change.sid(), false));
        issuing.accept(cfgi);
        CommandBatches.issueWithSync(sim, smmu, cfgi);
        Runnable release;
        synchronized (this) {
            unsyncedSids.remove((Integer) change.sid());
            if (change.held() != null) {
                leaving.remove(change.held());
            }
            release = leave(change.held());
        }
        release.run();
    }

    /**
     * Under the monitor, once a device's leaving STE is no longer in force: what follows for HWPT {@code hwpt}
     * (null: none), nothing or the destruction of an auto domain no device is attached to or still leaving.
     * After {@link #close()} nothing: close has unlinked every object.
     */
    private Runnable leave(Integer hwpt) {
        if (closed || hwpt == null || !autoDomains.contains(hwpt) || attachments.containsValue(hwpt)
                || leaving.contains(hwpt) || !objects.containsKey(hwpt)) {
            return () -> {};
        }
        return unlink(objects.get(hwpt));
    }

    private void writeSte(int sid, Ste ste) {
        call(() -> sim.writeSte(smmu, sid, ste));
    }

    private void requireDevice(int sid) {
        if (!caps.sidInRange(Integer.toUnsignedLong(sid))) {
            throw new IommufdException(Errno.ENODEV, "StreamID 0x" + Integer.toHexString(sid)
                    + " is beyond the SMMU's " + caps.sidBits() + "-bit StreamIDs");
        }
    }

    // ---- vIOMMU ---------------------------------------------------------------

    /**
     * {@code IOMMU_VIOMMU_ALLOC} of type ARM_SMMUV3 over a nest-parent HWPT; its
     * VMID is the parent's (Linux's {@code arm_vsmmu_init}).
     *
     * @throws IommufdException ENOENT (no such object); EINVAL (not a HWPT, or not a nest parent)
     */
    public synchronized int viommuAlloc(int parentHwptId) {
        requireOpen();
        IommufdObject o = find(parentHwptId);
        if (!(o instanceof PagingHwpt parent)) {
            // iommufd_viommu_alloc_ioctl: iommufd_get_hwpt_paging finds no object of that type, -ENOENT
            throw new IommufdException(Errno.ENOENT, "object " + parentHwptId + " is a " + kind(o) + ", not a paging HWPT");
        }
        if (!parent.nestParent()) {
            throw new IommufdException(Errno.EINVAL, "HWPT " + parentHwptId + " was not allocated with NEST_PARENT");
        }
        Viommu v = new Viommu(nextId++, parent.id(), parent.vmid());
        objects.put(v.id(), v);
        vsidTables.put(v.id(), new HashMap<>());
        guestTables.put(v.id(), new ArrayList<>());
        return v.id();
    }

    /**
     * {@code IOMMU_VDEVICE_ALLOC}: the guest's virtual StreamID {@code vsid} on
     * this vIOMMU stands for the device with physical StreamID {@code psid}.
     *
     * @throws IommufdException ENODEV (no such StreamID); EEXIST (vSID taken, or the device already has one here)
     */
    public synchronized int vdeviceAlloc(int viommuId, int vsid, int psid) {
        requireOpen();
        Viommu v = viommu(viommuId);
        requireDevice(psid);
        Map<Integer, Integer> table = vsidTables.get(v.id());
        if (table.containsKey(vsid)) {
            throw new IommufdException(Errno.EEXIST, "virtual StreamID 0x" + Integer.toHexString(vsid) + " is taken");
        }
        if (table.containsValue(psid)) {
            throw new IommufdException(Errno.EEXIST, "StreamID 0x" + Integer.toHexString(psid)
                    + " already has a vDEVICE on vIOMMU " + viommuId);
        }
        table.put(vsid, psid);
        Vdevice d = new Vdevice(nextId++, v.id(), vsid, psid);
        objects.put(d.id(), d);
        republishRoutes();
        return d.id();
    }

    // ---- destroy and close -------------------------------------------------------

    /**
     * {@code IOMMU_DESTROY}. An object something else still holds is
     * {@link Errno#EBUSY}, as iommufd's users count answers: an IOAS with
     * HWPTs, a HWPT with a device attached or a nested HWPT or vIOMMU on it, a
     * vIOMMU with vDEVICEs or nested HWPTs. Destroying a paging HWPT frees its
     * domain and gives its VMID or ASID back to the SMMU through its flush
     * (TLBI_S12_VMALL or TLBI_NH_ASID, then CMD_SYNC), as
     * {@code arm_smmu_domain_free_paging} does; destroying a vIOMMU frees the
     * guest stage-1 tables made through its {@link GuestRam}. The object is
     * gone from the table before that work starts, and the monitor is not held
     * while it waits.
     *
     * @throws IommufdException ENOENT (no such object); EBUSY (in use); EIO (the
     *         flush failed: the object is gone, its VMID or ASID stays reserved
     *         until a later flush succeeds)
     */
    public void destroy(int id) {
        Runnable release;
        synchronized (this) {
            requireOpen();
            IommufdObject o = find(id);
            Optional<String> user = userOf(o);
            if (user.isPresent()) {
                throw new IommufdException(Errno.EBUSY, kind(o) + " " + id + " is in use: " + user.get());
            }
            release = unlink(o);
        }
        release.run();
    }

    /**
     * Closes the host as closing {@code /dev/iommu} does: detaches every
     * attached device (STE ABORT, CFGI_STE, one CMD_SYNC; the batch also
     * invalidates every device whose attach or detach has not had its
     * CFGI_STE completed, so no cached STE names a HWPT freed here), then destroys
     * every object, users before what they use, each paging HWPT's VMID or
     * ASID going back through its flush. Afterwards every call is
     * {@link Errno#EBADF}; closing again does nothing. If the detaching fails
     * (the queue halted), an STE in force may still name a HWPT, so nothing is
     * freed and no tag given back: the failure is thrown and the model keeps
     * those domains and tags. Otherwise every destruction is tried even when
     * one fails, and the first failure is thrown at the end.
     */
    @Override
    public void close() {
        List<Integer> sids;
        List<Integer> unsynced;
        List<Runnable> releases = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            sids = new ArrayList<>(attachments.keySet());
            // a device mid-change (or whose CFGI_STE failed) has its new STE in memory, but the SMMU may still
            // hold its old one, naming a HWPT freed below: its CFGI_STE goes in this batch too
            unsynced = new ArrayList<>(new java.util.LinkedHashSet<>(unsyncedSids));
            unsynced.removeAll(sids);
            attachments.clear();
            leaving.clear();
            unsyncedSids.clear();
            // a user always has a higher ID than what it uses: newest first
            List<IommufdObject> all = new ArrayList<>(objects.values());
            all.sort(Comparator.comparingInt(IommufdObject::id).reversed());
            for (IommufdObject o : all) {
                releases.add(unlink(o));
            }
            if (eventRouter != null) {
                sim.removeListener(eventRouter);
                eventRouter = null;
            }
        }
        for (int sid : sids) {
            call(() -> sim.writeSte(smmu, sid, Ste.abort()));
        }
        List<Command> cfgis = new ArrayList<>();
        sids.forEach(sid -> cfgis.add(new CfgiSte(sid, false)));
        unsynced.forEach(sid -> cfgis.add(new CfgiSte(sid, false)));
        if (!cfgis.isEmpty()) {
            CommandBatches.issueWithSync(sim, smmu, cfgis);
        }
        RuntimeException first = null;
        for (Runnable r : releases) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Who still holds {@code o}, if anyone. */
    private Optional<String> userOf(IommufdObject o) {
        if (leaving.contains(o.id())) {
            return Optional.of("a device is leaving it (its CFGI_STE has not completed)");
        }
        for (Map.Entry<Integer, Integer> a : attachments.entrySet()) {
            if (a.getValue() == o.id()) {
                return Optional.of("the device with StreamID 0x" + Integer.toHexString(a.getKey()) + " is attached to it");
            }
        }
        for (IommufdObject u : objects.values()) {
            if (uses(u, o.id())) {
                return Optional.of(kind(u) + " " + u.id() + " uses it");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code user} holds object {@code id}, as iommufd's objects hold a user count on what they use. */
    private static boolean uses(IommufdObject user, int id) {
        if (user instanceof PagingHwpt h) {
            return h.ioas() == id;
        }
        if (user instanceof NestedHwpt n) {
            return n.parent() == id || n.viommu() == id;
        }
        if (user instanceof Viommu v) {
            return v.parent() == id;
        }
        if (user instanceof Veventq q) {
            return q.viommu() == id;
        }
        return user instanceof Vdevice d && d.viommu() == id;
    }

    /**
     * Takes {@code o} out of the host's tables (under the monitor) and answers
     * what is left to do in the model, to run without the monitor.
     */
    private Runnable unlink(IommufdObject o) {
        Runnable rest = unlinkObject(o);
        republishRoutes();
        return rest;
    }

    private Runnable unlinkObject(IommufdObject o) {
        objects.remove(o.id());
        if (o instanceof Ioas i) {
            ioasStates.remove(i.id());
            return () -> call(() -> sim.freeDomain(i.backing()));
        }
        if (o instanceof PagingHwpt h) {
            ioasStates.get(h.ioas()).hwpts.remove(h);
            autoDomains.remove(h.id());
            IdKind kind = h.stage() == DomainStage.STAGE2 ? IdKind.VMID : IdKind.ASID;
            int tag = kind == IdKind.VMID ? h.vmid() : h.asid();
            return () -> {
                call(() -> sim.freeDomain(h.domain()));
                releaseTag(kind, tag);
            };
        }
        if (o instanceof Viommu v) {
            vsidTables.remove(v.id());
            List<DomainId> tables = guestTables.remove(v.id());
            return () -> tables.forEach(t -> call(() -> sim.freeDomain(t)));
        }
        if (o instanceof Vdevice d) {
            vsidTables.get(d.viommu()).remove(d.vsid());
        }
        if (o instanceof Veventq q) {
            veventqs.remove(q.id());
        }
        return () -> {};
    }

    // ---- vEVENTQ -------------------------------------------------------------------

    /**
     * {@code IOMMU_VEVENTQ_ALLOC}: a virtual event queue of {@code type} on a
     * vIOMMU, holding at most {@code depth} vEVENTs. From then on, the
     * SMMU's event records for a device attached to a nested HWPT of this
     * vIOMMU through a vDEVICE, except stage-2 faults (the host's own), go to
     * the queue with the StreamID replaced by the vSID, as arm-smmu-v3's
     * {@code arm_smmu_handle_event} and {@code arm_vmaster_report_event} do.
     * The host hears the records through {@link IommuSim#addListener}: it
     * does not consume the SMMU's event queue (whoever drives the SMMU, the
     * embedder, acknowledges it; a record lost to a full SMMU queue never
     * reaches a vEVENTQ).
     *
     * @param depth {@code veventq_depth}, unsigned
     * @throws IommufdException EOPNOTSUPP (type {@link Veventq#TYPE_DEFAULT}); EINVAL (depth 0);
     *         ENOENT (no vIOMMU with that ID); EEXIST (the vIOMMU has a vEVENTQ of this type),
     *         as {@code iommufd_veventq_alloc} checks, in that order
     */
    public synchronized int veventqAlloc(int viommuId, int type, int depth) {
        requireOpen();
        if (type == Veventq.TYPE_DEFAULT) {
            throw new IommufdException(Errno.EOPNOTSUPP, "IOMMU_VEVENTQ_TYPE_DEFAULT is reserved");
        }
        if (depth == 0) {
            throw new IommufdException(Errno.EINVAL, "veventq_depth 0 holds no event");
        }
        Viommu v = viommu(viommuId);
        for (IommufdObject o : objects.values()) {
            if (o instanceof Veventq q && q.viommu() == v.id() && q.type() == type) {
                throw new IommufdException(Errno.EEXIST, "vIOMMU " + viommuId + " has vEVENTQ " + q.id()
                        + " of type " + type);
            }
        }
        Veventq q = new Veventq(nextId++, v.id(), type, depth);
        objects.put(q.id(), q);
        veventqs.put(q.id(), new VeventQueue(depth));
        republishRoutes();
        if (eventRouter == null) {
            eventRouter = new SmmuListener() {
                @Override
                public void onEvents(Smmu s, List<SmmuEvent> records) {
                    route(records);
                }
            };
            sim.addListener(smmu, eventRouter);
        }
        return q.id();
    }

    /**
     * {@code read()} on a vEVENTQ's file descriptor: whole entries, oldest
     * first, as many as fit in {@code count} bytes (8 for a LOST_EVENTS
     * header, 40 for a vEVENT), removed from the queue. Does not wait:
     * an empty queue answers an empty list.
     *
     * @throws IommufdException ENOENT (no vEVENTQ with that ID); EBADF (the host is closed)
     */
    public List<Vevent> veventqRead(int veventqId, int count) {
        VeventQueue q;
        synchronized (this) {
            requireOpen();
            IommufdObject o = find(veventqId);
            if (!(o instanceof Veventq)) {
                throw new IommufdException(Errno.ENOENT, "object " + veventqId + " is a " + kind(o) + ", not a vEVENTQ");
            }
            q = veventqs.get(veventqId);
        }
        return q.read(count);
    }

    /**
     * Each record for a guest device goes to its vIOMMU's ARM_SMMUV3 vEVENTQ, with the vSID. Runs on the
     * model's interrupt thread and takes no host monitor: a host call waiting for a CMD_SYNC does not hold up
     * event delivery (nor the other listeners after this one).
     */
    private void route(List<SmmuEvent> records) {
        Map<Integer, List<Route>> table = routes;
        for (SmmuEvent e : records) {
            RawEvent raw = e.encode();
            if (((raw.dw1() >>> 39) & 1) != 0) {
                continue; // a stage-2 fault is the host's (arm_smmu_handle_event: vmaster && !event->s2)
            }
            int psid = (int) (raw.dw0() >>> 32);
            // no route: no vmaster (not attached to a vIOMMU's nested HWPT through a vDEVICE); the host would log it
            for (Route r : table.getOrDefault(psid, List.of())) {
                r.queue().report(new RawEvent((raw.dw0() & 0xFFFF_FFFFL)
                        | (Integer.toUnsignedLong(r.vsid()) << 32), raw.dw1(), raw.dw2(), raw.dw3()));
            }
        }
    }

    /** Rebuilds {@link #routes} from the attachments, vDEVICEs and vEVENTQs; under the monitor. */
    private void republishRoutes() {
        Map<Integer, List<Route>> table = new HashMap<>();
        for (Map.Entry<Integer, Integer> a : attachments.entrySet()) {
            int psid = a.getKey();
            if (!(objects.get(a.getValue()) instanceof NestedHwpt n) || n.viommu() == 0) {
                continue;
            }
            Integer vsid = null;
            for (Map.Entry<Integer, Integer> m : vsidTables.getOrDefault(n.viommu(), Map.of()).entrySet()) {
                if (m.getValue() == psid) {
                    vsid = m.getKey();
                }
            }
            if (vsid == null) {
                continue;
            }
            for (IommufdObject o : objects.values()) {
                if (o instanceof Veventq q && q.viommu() == n.viommu() && q.type() == Veventq.TYPE_ARM_SMMUV3) {
                    table.computeIfAbsent(psid, k -> new ArrayList<>()).add(new Route(vsid, veventqs.get(q.id())));
                }
            }
        }
        routes = Map.copyOf(table);
    }

    // ---- guest invalidation -------------------------------------------------------

    /**
     * {@code IOMMU_HWPT_INVALIDATE} on a vIOMMU with arm-smmu-v3 commands: each
     * 16-byte entry is filtered ({@link GuestCommand}), the accepted prefix is
     * put on the SMMU's queue in batches ending with CMD_SYNC, and the result
     * says how many entries were handled and why the next one was refused.
     *
     * <p>Model choice: entries before a refused one are issued and synced
     * before returning, so "handled" means "took effect". (Linux counts them
     * handled but, for a refusal inside the first batch, never issues them.)
     *
     * @param entries     {@code entries.length / entryLength} little-endian commands
     * @param entryLength must be 16 ({@link #ARM_SMMUV3_INVALIDATE_ENTRY})
     * @throws IommufdException ENOENT (no such object); EINVAL (a paging HWPT,
     *         which has no guest-owned cache, or a bad entry length);
     *         EOPNOTSUPP (a nested HWPT: arm-smmu-v3 takes guest invalidations
     *         on the vIOMMU only)
     */
    public InvalidationResult invalidate(int hwptOrViommuId, byte[] entries, int entryLength) {
        List<Command> accepted = new ArrayList<>();
        EntryError error;
        synchronized (this) {
            error = convert(hwptOrViommuId, entries, entryLength, accepted);
        }
        // the monitor is not held while the commands wait for their CMD_SYNC: vCPUs invalidate concurrently
        // (a late TLBI for an object destroyed meanwhile only invalidates more, which is always safe)
        issuing.accept(accepted);
        if (!accepted.isEmpty()) {
            CommandBatches.issueWithSync(sim, smmu, accepted);
        }
        return new InvalidationResult(accepted.size(), Optional.ofNullable(error));
    }

    /**
     * Test seam: runs on the calling thread of a guest invalidation, an unmap's IOTLB invalidation or an STE
     * change's CFGI_STE, after the monitor is released and before the commands go.
     */
    private volatile java.util.function.Consumer<List<Command>> issuing = c -> {};

    void onIssuing(java.util.function.Consumer<List<Command>> observer) {
        issuing = observer;
    }

    /** Checks and converts the guest's entries (under the monitor); answers the refused entry, if any. */
    private EntryError convert(int hwptOrViommuId, byte[] entries, int entryLength, List<Command> accepted) {
        requireOpen();
        IommufdObject o = find(hwptOrViommuId);
        if (o instanceof NestedHwpt) {
            throw new IommufdException(Errno.EOPNOTSUPP,
                    "arm-smmu-v3 nested HWPTs have no cache_invalidate_user; invalidate through the vIOMMU");
        }
        if (!(o instanceof Viommu v)) {
            throw new IommufdException(Errno.EINVAL, "object " + hwptOrViommuId + " is a " + kind(o)
                    + "; only a nested HWPT or a vIOMMU takes user invalidations");
        }
        if (entryLength <= 0) {
            throw new IommufdException(Errno.EINVAL, "entry_len " + entryLength + " with entries to read");
        }
        if (entries.length % entryLength != 0) {
            throw new IommufdException(Errno.EINVAL, entries.length + " bytes is not a whole number of "
                    + entryLength + "-byte entries");
        }
        List<RawCommand> commands = UserArray.copyEntries(entries, entryLength);
        Map<Integer, Integer> vsids = vsidTables.get(v.id());
        for (int i = 0; i < commands.size(); i++) {
            GuestCommand g = GuestCommand.convert(commands.get(i), v.vmid(), vsids, caps);
            if (g instanceof GuestCommand.Refused r) {
                return new EntryError(i, r.errno(), r.reason());
            }
            accepted.add(((GuestCommand.Accepted) g).command());
        }
        return null;
    }

    /** {@link #invalidate(int, byte[], int)} with entries given as raw commands. */
    public InvalidationResult invalidate(int hwptOrViommuId, List<RawCommand> entries) {
        byte[] bytes = new byte[entries.size() * RawCommand.BYTES];
        for (int i = 0; i < entries.size(); i++) {
            System.arraycopy(entries.get(i).toBytes(), 0, bytes, i * RawCommand.BYTES, RawCommand.BYTES);
        }
        return invalidate(hwptOrViommuId, bytes, ARM_SMMUV3_INVALIDATE_ENTRY);
    }

    // ---- VFIO and guest memory ------------------------------------------------------

    /** A VFIO type1 compatibility container on a new IOAS of this host. */
    public VfioContainer vfioContainer() {
        return new VfioContainer(this);
    }

    /**
     * The guests behind this host's vIOMMUs keep their CD tables and stage-1 tables in {@code memory}, the guest
     * RAM the VMM holds, as in QEMU's accel mode: from now on, attaching a device to a nested HWPT whose guest STE
     * translates (Config stage 1) installs an STE whose CD table is in guest memory at the guest STE's
     * S1ContextPtr (an IPA under the nest parent's stage 2), so the SMMU fetches the guest's CDs there and walks
     * the stage-1 tables they name there too ({@code Ste.withGuestCds}); the guest's CFGI_CD and TLBIs, through
     * {@link #invalidate}, keep what the SMMU caches coherent. The memory is attached to the SMMU
     * ({@code IommuSim.setGuestMemory}). Devices attached before keep their STE until attached again; the
     * guest's writes through {@link #guestRam} are then not what the SMMU reads.
     *
     * @param memory the guest RAM, as physical memory (what stage 2 gives)
     * @throws IllegalArgumentException for a null memory
     * @throws IommufdException EOPNOTSUPP when the SMMU's configuration cache is unbounded (it cannot hold a CD
     *         fetched from guest memory: set {@code TcuCaches.withConfigCache}), EBADF when the host is closed
     */
    public synchronized void useGuestMemory(GuestMemory memory) {
        if (memory == null) {
            throw new IllegalArgumentException("memory is null");
        }
        requireOpen();
        if (!caps.tcu().configCache().enabled()) {
            throw new IommufdException(Errno.EOPNOTSUPP, "CD tables in guest memory need the TCU's bounded"
                    + " configuration cache; " + smmu.id() + "'s is unbounded");
        }
        call(() -> sim.setGuestMemory(smmu, memory));
        guestMemory = memory;
    }

    /** The guest memory behind a vIOMMU: where the guest keeps its stage-1 tables and CD tables. */
    public GuestRam guestRam(int viommuId) {
        synchronized (this) {
            viommu(viommuId);
        }
        return new GuestRam(this, viommuId);
    }

    // ---- helpers for GuestRam and VfioContainer ----------------------------------------

    synchronized DomainId guestTable(int viommuId, int asid) {
        requireOpen();
        PagingHwpt parent = (PagingHwpt) objects.get(viommu(viommuId).parent());
        DomainId table = allocateDomain(DomainSpec.nested(parent.domain(), granule, ioasBits,
                table(parent.domain()).spec().ias(), asid));
        guestTables.get(viommuId).add(table);
        return table;
    }

    synchronized int psidOf(int viommuId, int vsid) {
        requireOpen();
        Integer psid = vsidTables.get(viommu(viommuId).id()).get(vsid);
        if (psid == null) {
            throw new IommufdException(Errno.ENODEV, "virtual StreamID 0x" + Integer.toHexString(vsid)
                    + " has no vDEVICE on vIOMMU " + viommuId);
        }
        return psid;
    }

    Granule granule() {
        return granule;
    }

    static void call(Runnable r) {
        try {
            r.run();
        } catch (ModelException e) {
            throw ModelErrors.of(e);
        }
    }

    private int allocateTag(IdKind kind) {
        try {
            return kind == IdKind.VMID ? sim.allocateVmid(smmu) : sim.allocateAsid(smmu);
        } catch (ModelException e) {
            throw new IommufdException(ModelErrors.tagErrno(kind, e.kind()), e.getMessage());
        }
    }

    private void releaseTag(IdKind kind, int tag) {
        call(() -> {
            if (kind == IdKind.VMID) {
                sim.releaseVmid(smmu, tag);
            } else {
                sim.releaseAsid(smmu, tag);
            }
        });
    }

    private DomainId allocateDomain(DomainSpec spec) {
        DomainId id = DomainId.of(nextDomain++);
        call(() -> sim.allocateDomain(id, spec, smmu));
        return id;
    }

    private PageTable table(DomainId id) {
        return org.iommusim.actors.internal.ModelInternals.pageTable(sim, id)
                .orElseThrow(() -> new IommufdException(Errno.ENOENT, "no domain " + id));
    }

    private long mappedBytes(DomainId id) {
        return table(id).mappedBytes();
    }

    private void requireOpen() {
        if (closed) {
            throw new IommufdException(Errno.EBADF, "the host is closed");
        }
    }

    private IommufdObject find(int id) {
        IommufdObject o = objects.get(id);
        if (o == null) {
            throw new IommufdException(Errno.ENOENT, "no object " + id);
        }
        return o;
    }

    private IoasState ioas(int id) {
        IommufdObject o = find(id);
        if (!(o instanceof Ioas)) {
            throw new IommufdException(Errno.ENOENT, "object " + id + " is a " + kind(o) + ", not an IOAS");
        }
        return ioasStates.get(id);
    }

    private Viommu viommu(int id) {
        IommufdObject o = find(id);
        if (!(o instanceof Viommu v)) {
            throw new IommufdException(Errno.ENOENT, "object " + id + " is a " + kind(o) + ", not a vIOMMU");
        }
        return v;
    }

    private static String kind(IommufdObject o) {
        return o.getClass().getSimpleName();
    }
}
