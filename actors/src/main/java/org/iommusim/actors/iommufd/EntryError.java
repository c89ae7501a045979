package org.iommusim.actors.iommufd;

/**
 * Why one entry of a guest invalidation array was refused.
 *
 * @param index the entry's position in the array (equal to the handled count)
 */
public record EntryError(int index, Errno errno, String reason) {}
