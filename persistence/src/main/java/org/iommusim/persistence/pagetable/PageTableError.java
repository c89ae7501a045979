package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.DomainId;

/**
 * Why a map or unmap batch was refused. A refused batch changes nothing.
 *
 * <p>Checks run per batch element in order, and within one element in this
 * order: {@link Kind#ZERO_SIZE}, {@link Kind#NO_ACCESS} (map),
 * {@link Kind#MISALIGNED} (IOVA, then PA, then size), {@link Kind#IOVA_BEYOND_IAS},
 * {@link Kind#PA_BEYOND_OAS} (map), then the state checks
 * ({@link Kind#OVERLAP} for map; {@link Kind#PARTIAL_UNMAP} at the start, at
 * the end, then {@link Kind#NOT_MAPPED} for unmap). Elements of one batch see
 * the effect of the elements before them.
 *
 * @param index   the failing batch element, or -1 when the error is not about one element
 * @param address the first offending address (see each {@link Kind})
 * @param message what went wrong, in words
 */
public record PageTableError(Kind kind, int index, long address, String message) {

    /** Error kinds, each with the Linux/iommufd errno it corresponds to. */
    public enum Kind {
        /** Mapping over an existing leaf or over an earlier element of the same batch; address = first overlapping IOVA. */
        OVERLAP("EEXIST"),
        /** Unmap of a range with no mapping at all; address = the range's IOVA. */
        NOT_MAPPED("ENOENT"),
        /** Unmap cutting a block or an area; address = the range boundary that cuts it. */
        PARTIAL_UNMAP("ENOENT"),
        /** IOVA, PA or size not a multiple of the page size; address = the IOVA, the PA, or the segment's end. */
        MISALIGNED("EINVAL"),
        /** The range reaches 2^IAS; address = the first IOVA at or beyond it. */
        IOVA_BEYOND_IAS("ERANGE"),
        /** The output reaches 2^OAS; address = the first PA at or beyond it. */
        PA_BEYOND_OAS("ERANGE"),
        /** A segment of size 0; address = its IOVA. */
        ZERO_SIZE("EINVAL"),
        /** A map granting neither READ nor WRITE; address = its IOVA. */
        NO_ACCESS("EINVAL"),
        /** The domain registry knows no such domain; never produced by a page table. */
        UNKNOWN_DOMAIN("ENOENT");

        private final String errno;

        Kind(String errno) {
            this.errno = errno;
        }

        public String errno() {
            return errno;
        }
    }

    public PageTableError {
        if (kind == null || message == null) {
            throw new IllegalArgumentException("an error needs a kind and a message");
        }
    }

    static PageTableError of(Kind kind, int index, long address, String what) {
        return new PageTableError(kind, index, address,
                kind + " (" + kind.errno() + ") at element " + index + ": " + what);
    }

    public static PageTableError unknownDomain(DomainId id) {
        return new PageTableError(Kind.UNKNOWN_DOMAIN, -1, 0,
                Kind.UNKNOWN_DOMAIN + " (" + Kind.UNKNOWN_DOMAIN.errno() + "): no domain " + id);
    }

    @Override
    public String toString() {
        return message;
    }
}
