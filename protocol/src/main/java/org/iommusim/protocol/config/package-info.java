/**
 * Stream and context configuration as software writes it: the STE
 * ({@link org.iommusim.protocol.config.Ste}), the CD
 * ({@link org.iommusim.protocol.config.Cd}) and the stream table's format. The
 * records are immutable and safe to share between threads; their constructors
 * check field widths and combinations and throw
 * {@link java.lang.IllegalArgumentException} naming the field.
 */
package org.iommusim.protocol.config;
