package org.iommusim.persistence.domain;

import org.iommusim.persistence.pagetable.PageTableEvent;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.domain.DomainSpec;

/** What a domain entity ({@code domain-<id>}) records: one event per accepted request. */
public sealed interface DomainEvent extends JournalSerializable {

    /** The domain was allocated with this spec (already checked against the SMMU). */
    record Allocated(DomainSpec spec) implements DomainEvent {}

    /** A whole map or unmap batch, however many pages: one journal write per request. */
    record TableChanged(PageTableEvent change) implements DomainEvent {}

    /** The domain was freed; its id cannot be mapped again. */
    record Freed() implements DomainEvent {}
}
