package org.iommusim.simulations.engine;

import java.util.function.BooleanSupplier;
import org.iommusim.protocol.translate.Access;

/**
 * What a device agent uses: the driver, and DMA through the model. In
 * deterministic mode a DMA is translated and checked before {@link #dma}
 * returns; in concurrent mode it joins the device's next burst, answered
 * later. Either way, what a device does once its DMA has landed (a driver
 * unmapping the buffer on completion) goes through {@link #afterDma}.
 */
abstract class DeviceContext {
    abstract Driver driver();

    /** One DMA access by {@code d} at the clock's time. */
    abstract void dma(Device d, long iova, Access access, Clock c);

    /** Runs {@code release} once every DMA {@code d} has issued so far has been answered (at once if all are). */
    abstract void afterDma(Device d, Runnable release);

    /** Returns once {@code ready} holds, letting {@code d}'s answers (and their releases) come in meanwhile. */
    abstract void await(Device d, BooleanSupplier ready);
}
