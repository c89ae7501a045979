package org.iommusim.simulations.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.replay.ReplayedIotlb;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.stream.StreamState;

/**
 * The state-listing registry, keyed by state type (the first registered type
 * the state is an instance of wins). {@link #standard()} has every entity's.
 */
public final class StateRenderers {
    private final Map<Class<?>, StateRenderer<?>> byType = new LinkedHashMap<>();

    public static StateRenderers standard() {
        return new StateRenderers().register(DomainState.class, new DomainStateRenderer())
                .register(SmmuState.class, new SmmuStateRenderer())
                .register(StreamState.class, new StreamStateRenderer())
                .register(ReplayedIotlb.class, new IotlbStateRenderer())
                .register(org.iommusim.persistence.replay.ReplayedTcu.class, new TcuStateRenderer());
    }

    public <T> StateRenderers register(Class<T> type, StateRenderer<? super T> renderer) {
        byType.put(type, renderer);
        return this;
    }

    @SuppressWarnings("unchecked")
    public void lines(Object state, Consumer<String> out) {
        for (Map.Entry<Class<?>, StateRenderer<?>> e : byType.entrySet()) {
            if (e.getKey().isInstance(state)) {
                ((StateRenderer<Object>) e.getValue()).lines(state, out);
                return;
            }
        }
        out.accept(String.valueOf(state));
    }
}
