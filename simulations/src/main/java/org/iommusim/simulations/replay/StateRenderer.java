package org.iommusim.simulations.replay;

import java.util.function.Consumer;

/** How one kind of entity state is listed by {@code state}: line by line, so big tables stream. */
public interface StateRenderer<S> {
    void lines(S state, Consumer<String> out);
}
