package org.iommusim.persistence.domain;

import org.iommusim.persistence.pagetable.PageTableError;

/**
 * Why a domain refused a request; the domain is unchanged.
 *
 * @param pageTable the page-table error behind a {@link Kind#PAGE_TABLE} refusal, else null
 */
public record DomainError(Kind kind, String message, PageTableError pageTable) {

    public enum Kind {
        /** No such domain has been allocated (or it was freed). */
        UNKNOWN_DOMAIN,
        ALREADY_ALLOCATED,
        /** The SMMU lacks the stage the spec asks for. */
        STAGE_UNSUPPORTED,
        /** Nesting needs both stages. */
        NESTING_UNSUPPORTED,
        PARENT_UNKNOWN,
        PARENT_NOT_STAGE2,
        NESTED_ON_NESTED,
        GRANULE_UNSUPPORTED,
        /** IAS or OAS beyond what the SMMU (or the parent) supports. */
        ADDRESS_SIZE_UNSUPPORTED,
        /** ASID or VMID wider than the SMMU advertises. */
        TAG_OUT_OF_RANGE,
        /** The page table refused a map or unmap; see {@link #pageTable()}. */
        PAGE_TABLE
    }

    public static DomainError of(Kind kind, String message) {
        return new DomainError(kind, message, null);
    }

    public static DomainError pageTable(PageTableError error) {
        return new DomainError(Kind.PAGE_TABLE, error.message(), error);
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
