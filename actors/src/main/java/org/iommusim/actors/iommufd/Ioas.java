package org.iommusim.actors.iommufd;

import org.iommusim.protocol.domain.DomainId;

/**
 * An IO address space. Its mappings are kept in a hidden paging domain of the
 * model, so map and unmap are judged by the model's page table (EEXIST,
 * ENOENT, partial unmaps) and every HWPT on the IOAS mirrors the same areas.
 *
 * @param backing the hidden domain that holds the IOAS's mappings
 */
public record Ioas(int id, DomainId backing) implements IommufdObject {}
