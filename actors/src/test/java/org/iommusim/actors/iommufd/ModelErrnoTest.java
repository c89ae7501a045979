package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.ModelException.Kind;
import org.iommusim.actors.iommufd.internal.ModelErrors;
import org.iommusim.persistence.ids.IdKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal kind of the model has the errno Linux gives for the equivalent condition; the table below is
 * the specification (kernel sources named in ModelErrors), and it must name every kind.
 */
class ModelErrnoTest {
    private static final Map<Kind, Errno> EXPECTED = new EnumMap<>(Kind.class);

    static {
        // page tables: iopt_map_pages / iopt_unmap_iova_range / iopt_check_iova
        EXPECTED.put(Kind.OVERLAP, Errno.EEXIST);
        EXPECTED.put(Kind.NOT_MAPPED, Errno.ENOENT);
        EXPECTED.put(Kind.PARTIAL_UNMAP, Errno.ENOENT);
        EXPECTED.put(Kind.MISALIGNED, Errno.EINVAL);
        EXPECTED.put(Kind.IOVA_BEYOND_IAS, Errno.ERANGE);
        EXPECTED.put(Kind.PA_BEYOND_OAS, Errno.ERANGE);
        EXPECTED.put(Kind.ZERO_SIZE, Errno.EINVAL);
        EXPECTED.put(Kind.NO_ACCESS, Errno.EINVAL);
        EXPECTED.put(Kind.UNKNOWN_DOMAIN, Errno.ENOENT);
        // domain allocation: arm_smmu_domain_alloc_paging_flags, iommufd_hwpt_nested_alloc
        EXPECTED.put(Kind.ALREADY_ALLOCATED, Errno.EEXIST);
        EXPECTED.put(Kind.STAGE_UNSUPPORTED, Errno.EOPNOTSUPP);
        EXPECTED.put(Kind.NESTING_UNSUPPORTED, Errno.EOPNOTSUPP);
        EXPECTED.put(Kind.GRANULE_UNSUPPORTED, Errno.EOPNOTSUPP);
        EXPECTED.put(Kind.PARENT_UNKNOWN, Errno.ENOENT);
        EXPECTED.put(Kind.PARENT_NOT_STAGE2, Errno.EINVAL);
        EXPECTED.put(Kind.NESTED_ON_NESTED, Errno.EINVAL);
        EXPECTED.put(Kind.ADDRESS_SIZE_UNSUPPORTED, Errno.EINVAL);
        EXPECTED.put(Kind.TAG_OUT_OF_RANGE, Errno.ENOSPC);
        // SMMUs, streams, the command queue
        EXPECTED.put(Kind.DUPLICATE_SMMU, Errno.EEXIST);
        EXPECTED.put(Kind.UNKNOWN_SMMU, Errno.ENODEV);
        EXPECTED.put(Kind.STREAM_REFUSED, Errno.ENODEV);
        EXPECTED.put(Kind.QUEUE_FULL, Errno.EAGAIN);
        EXPECTED.put(Kind.REJECTED, Errno.EINVAL);
        EXPECTED.put(Kind.CERROR_ILL, Errno.EIO);
        EXPECTED.put(Kind.CERROR_ABT, Errno.EIO);
        EXPECTED.put(Kind.CERROR_ATC_INV_SYNC, Errno.EIO);
        // VMID / ASID allocation (ASID exhaustion is EBUSY: tagErrno)
        EXPECTED.put(Kind.ID_EXHAUSTED, Errno.ENOSPC);
        EXPECTED.put(Kind.ID_UNSUPPORTED, Errno.EOPNOTSUPP);
        EXPECTED.put(Kind.ID_NOT_IN_USE, Errno.ENOENT);
        EXPECTED.put(Kind.FLUSH_FAILED, Errno.EIO);
        // bursts: the host never makes them
        EXPECTED.put(Kind.BURST_EMPTY, Errno.EINVAL);
        EXPECTED.put(Kind.BURST_TOO_LARGE, Errno.EINVAL);
        EXPECTED.put(Kind.BURST_IN_FLIGHT, Errno.EINVAL);
        // the model as a whole
        EXPECTED.put(Kind.OVERLOADED, Errno.EAGAIN);
        EXPECTED.put(Kind.TIMEOUT, Errno.ETIMEDOUT);
        EXPECTED.put(Kind.STUCK, Errno.ETIMEDOUT);
        EXPECTED.put(Kind.INTERRUPTED, Errno.EINTR);
        EXPECTED.put(Kind.CLOSED, Errno.ENODEV);
        EXPECTED.put(Kind.JOURNAL_FAILED, Errno.EIO);
        EXPECTED.put(Kind.JOURNAL_UNAVAILABLE, Errno.EIO);
        EXPECTED.put(Kind.JOURNAL_DAMAGED, Errno.EIO);
        EXPECTED.put(Kind.MODEL_FAILED, Errno.EIO);
    }

    @Test
    void everyKindHasTheKernelsErrnoAndKeepsTheModelsMessage() {
        assertEquals(Kind.values().length, EXPECTED.size(), "the table names every kind");
        for (Kind k : Kind.values()) {
            IommufdException e = ModelErrors.of(new ModelException(k, "why: " + k));
            assertEquals(EXPECTED.get(k), e.errno(), k.name());
            assertTrue(e.getMessage().endsWith("why: " + k), e.getMessage());
        }
    }

    @Test
    void asidExhaustionIsEbusyAndVmidExhaustionEnospc() {
        // arm_smmu_asid_xa's xa_alloc answers -EBUSY; ida_alloc_range of the VMID map -ENOSPC
        assertEquals(Errno.EBUSY, ModelErrors.tagErrno(IdKind.ASID, Kind.ID_EXHAUSTED));
        assertEquals(Errno.ENOSPC, ModelErrors.tagErrno(IdKind.VMID, Kind.ID_EXHAUSTED));
        assertEquals(Errno.ENODEV, ModelErrors.tagErrno(IdKind.ASID, Kind.CLOSED));
    }

    @Test
    void aHostCallOnAClosedModelIsEnodevNotEinval(@TempDir Path dir) {
        HostFixture f = new HostFixture(dir);
        int ioas = f.host.ioasAlloc();
        f.close();
        IommufdException e = assertThrows(IommufdException.class,
                () -> f.host.ioasMap(ioas, 0x10_0000L, 0x8_0000_0000L, 0x1000, org.iommusim.protocol.domain.Prot.rw()));
        assertEquals(Errno.ENODEV, e.errno(), e.getMessage());
    }
}
