package org.iommusim.persistence.pagetable;

/**
 * One table page below the root: the level its descriptors are at, the first
 * input address it translates, and its identity ({@link PageTable#tablePages()}).
 * A domain snapshot keeps these, so that a table rebuilt after a restart has
 * the identities its pages had: the TCU's walk-cache entries name table pages
 * by them, as hardware's name them by physical address, and the memory (the
 * tables) outlives a restart of the model.
 */
public record TablePage(int level, long base, long id) {}
