package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.domain.DomainCodecs;
import org.iommusim.persistence.ids.IdCodecs;
import org.iommusim.persistence.iotlb.IotlbCodecs;
import org.iommusim.persistence.smmu.SmmuCodecs;
import org.iommusim.persistence.stream.StreamCodecs;

/**
 * The registry of journal types: manifest, class and codec. Each entity
 * package contributes its own codecs (e.g. {@link DomainCodecs}); manifests
 * are short and must never change once written to a journal.
 */
public final class JournalCodecs {
    public static final JournalCodecs INSTANCE = new JournalCodecs();

    private final Map<Class<?>, String> manifests = new HashMap<>();
    private final Map<String, BinaryCodec<?>> byManifest = new HashMap<>();
    /** {@link Stamped}'s manifest of each type, made once, not per event written. */
    private final Map<Class<?>, String> stampedManifests = new HashMap<>();

    private JournalCodecs() {
        DomainCodecs.register(this);
        SmmuCodecs.register(this);
        StreamCodecs.register(this);
        IotlbCodecs.register(this);
        org.iommusim.persistence.tcu.TcuCodecs.register(this);
        IdCodecs.register(this);
    }

    public <T> void register(String manifest, Class<? extends T> type, BinaryCodec<T> codec) {
        if (byManifest.putIfAbsent(manifest, codec) != null) {
            throw new IllegalStateException("manifest " + manifest + " registered twice");
        }
        manifests.put(type, manifest);
        stampedManifests.put(type, Stamped.PREFIX + manifest);
    }

    String manifestOf(Object o) {
        String m = manifests.get(o.getClass());
        if (m == null) {
            throw new IllegalArgumentException("no journal codec for " + o.getClass().getName());
        }
        return m;
    }

    /** The manifest of {@code event} under its causal stamp ({@link Stamped#PREFIX} and its own). */
    String stampedManifestOf(Object event) {
        String m = stampedManifests.get(event.getClass());
        if (m == null) {
            throw new IllegalArgumentException("no journal codec for " + event.getClass().getName());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    void write(Object o, DataOutput out) throws IOException {
        ((BinaryCodec<Object>) byManifest.get(manifestOf(o))).write(o, out);
    }

    Object read(String manifest, DataInput in) throws IOException {
        BinaryCodec<?> codec = byManifest.get(manifest);
        if (codec == null) {
            throw new NotSerializableException("unknown journal manifest '" + manifest + "'");
        }
        return codec.read(in);
    }
}
