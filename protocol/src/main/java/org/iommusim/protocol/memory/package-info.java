/** The embedder's memory as the SMMU reads it: a guest's stage-1 tables ({@link org.iommusim.protocol.memory.GuestMemory}). */
package org.iommusim.protocol.memory;
