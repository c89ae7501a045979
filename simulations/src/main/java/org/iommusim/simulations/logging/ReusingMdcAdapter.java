package org.iommusim.simulations.logging;

import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.spi.MDCAdapter;

/**
 * SLF4J's MDC for each thread as a few reused slots instead of a map made
 * afresh after every clear. Pekko's event-sourced behaviours put five MDC
 * keys at every journal response and clear them after every message; with
 * Logback's own adapter each of those messages allocates and fills a new
 * {@code HashMap}, about 5% of a deterministic simulation's main thread. The
 * keys are a handful of constants, so a linear search over reused arrays
 * finds them faster than a hash. Semantics are Logback's: null values are
 * kept, a null key is refused, and readers get copies.
 */
public final class ReusingMdcAdapter implements MDCAdapter {
    private final ThreadLocal<Slots> slots = ThreadLocal.withInitial(Slots::new);
    private final ThreadLocalMapOfStacks deques = new ThreadLocalMapOfStacks();
    /**
     * The thread that last used the MDC, with its slots: a deterministic model
     * runs on one thread, whose slots are then found without a thread-local
     * lookup. Final fields publish the pair safely to any thread reading it.
     */
    private Owner last;

    private record Owner(Thread thread, Slots slots) {}

    /** One thread's context: its keys and values, in the order first put. */
    private static final class Slots {
        private String[] keys = new String[8];
        private String[] values = new String[8];
        private int size;

        private int indexOf(String key) {
            for (int i = 0; i < size; i++) {
                String k = keys[i];
                if (k == key || k.equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        void put(String key, String value) {
            int i = indexOf(key);
            if (i >= 0) {
                values[i] = value;
                return;
            }
            if (size == keys.length) {
                keys = java.util.Arrays.copyOf(keys, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
        }

        String get(String key) {
            int i = indexOf(key);
            return i < 0 ? null : values[i];
        }

        void remove(String key) {
            int i = indexOf(key);
            if (i >= 0) {
                size--;
                System.arraycopy(keys, i + 1, keys, i, size - i);
                System.arraycopy(values, i + 1, values, i, size - i);
                keys[size] = null;
                values[size] = null;
            }
        }

        void clear() {
            for (int i = 0; i < size; i++) { // no references kept past the message that put them
                keys[i] = null;
                values[i] = null;
            }
            size = 0;
        }

        Map<String, String> copy() {
            Map<String, String> out = new HashMap<>(Math.max(4, size * 2));
            for (int i = 0; i < size; i++) {
                out.put(keys[i], values[i]);
            }
            return out;
        }
    }

    private Slots mine() {
        Thread t = Thread.currentThread();
        Owner o = last;
        if (o != null && o.thread == t) {
            return o.slots;
        }
        Slots s = slots.get();
        last = new Owner(t, s);
        return s;
    }

    @Override
    public void put(String key, String val) {
        if (key == null) {
            throw new IllegalArgumentException("key cannot be null");
        }
        mine().put(key, val);
    }

    @Override
    public String get(String key) {
        return key == null ? null : mine().get(key);
    }

    @Override
    public void remove(String key) {
        if (key != null) {
            mine().remove(key);
        }
    }

    @Override
    public void clear() {
        mine().clear();
    }

    /** A copy the caller may keep (a logging event keeps it): later puts do not show in it. */
    @Override
    public Map<String, String> getCopyOfContextMap() {
        return mine().copy();
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
        Slots s = mine();
        s.clear();
        if (contextMap != null) {
            for (Map.Entry<String, String> e : contextMap.entrySet()) {
                if (e.getKey() != null) {
                    s.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    @Override
    public void pushByKey(String key, String value) {
        deques.pushByKey(key, value);
    }

    @Override
    public String popByKey(String key) {
        return deques.popByKey(key);
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        return deques.getCopyOfDequeByKey(key);
    }

    @Override
    public void clearDequeByKey(String key) {
        deques.clearDequeByKey(key);
    }
}
