package org.iommusim.simulations.scenario;

/**
 * A fault injected into the driver or the model at a chosen point.
 *
 * <ul>
 *   <li>{@code DROP_TLBI}: the driver leaves out the TLBIs of its {@code nth} invalidation (counting from 1);</li>
 *   <li>{@code DROP_CFGI}: the driver leaves out the CFGI of its {@code nth} configuration change;</li>
 *   <li>{@code SKIP_SYNC}: the driver does not wait for its {@code nth} CMD_SYNC before reusing IOVAs;</li>
 *   <li>{@code CRASH}: the model is stopped and restarted from its journal after operation {@code nth}.</li>
 * </ul>
 */
public record FaultInjection(Kind kind, long nth) {
    public enum Kind { DROP_TLBI, DROP_CFGI, SKIP_SYNC, CRASH }
}
