package org.iommusim.simulations.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.spi.MDCAdapter;

class ReusingMdcAdapterTest {
    @Test
    void putGetOverwriteRemoveAndClear() {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        mdc.put("pekkoSource", "a");
        mdc.put("persistenceId", "smmu-0");
        mdc.put("pekkoSource", "b");
        assertEquals("b", mdc.get("pekkoSource"));
        assertEquals(Map.of("pekkoSource", "b", "persistenceId", "smmu-0"), mdc.getCopyOfContextMap());
        mdc.remove("pekkoSource");
        assertNull(mdc.get("pekkoSource"));
        assertEquals("smmu-0", mdc.get("persistenceId"));
        mdc.clear();
        assertNull(mdc.get("persistenceId"));
        assertTrue(mdc.getCopyOfContextMap().isEmpty());
    }

    @Test
    void nullKeyRefusedNullValueKept() {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        assertThrows(IllegalArgumentException.class, () -> mdc.put(null, "v"));
        mdc.put("k", null);
        assertTrue(mdc.getCopyOfContextMap().containsKey("k"));
        assertNull(mdc.get(null));
    }

    @Test
    void aCopyDoesNotChangeWithLaterPuts() {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        mdc.put("k", "1");
        Map<String, String> copy = mdc.getCopyOfContextMap();
        mdc.put("k", "2");
        mdc.clear();
        assertEquals(Map.of("k", "1"), copy);
    }

    @Test
    void setContextMapReplacesTheContext() {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        mdc.put("old", "x");
        mdc.setContextMap(Map.of("a", "1", "b", "2"));
        assertEquals(Map.of("a", "1", "b", "2"), mdc.getCopyOfContextMap());
        mdc.setContextMap(null);
        assertTrue(mdc.getCopyOfContextMap().isEmpty());
    }

    @Test
    void eachThreadHasItsOwnContext() throws InterruptedException {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        mdc.put("k", "main");
        AtomicReference<String> seen = new AtomicReference<>("unset");
        Thread t = new Thread(() -> {
            seen.set(mdc.get("k"));
            mdc.put("k", "other");
        });
        t.start();
        t.join();
        assertNull(seen.get());
        assertEquals("main", mdc.get("k"));
    }

    /** Threads taking turns at one adapter (its last user is remembered) each see only their own context. */
    @Test
    void threadsTakingTurnsNeverSeeEachOthersContext() throws InterruptedException {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            String me = "thread-" + n;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    mdc.put("who", me);
                    mdc.put("i", Integer.toString(i % 7));
                    if (!me.equals(mdc.get("who")) || !Integer.toString(i % 7).equals(mdc.get("i"))) {
                        wrong.add(me + " at " + i + " saw " + mdc.get("who"));
                    }
                    mdc.clear();
                    if (mdc.get("who") != null) {
                        wrong.add(me + " at " + i + " saw a cleared key");
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())));
    }

    @Test
    void dequesByKeyAsSlf4jDefines() {
        ReusingMdcAdapter mdc = new ReusingMdcAdapter();
        mdc.pushByKey("d", "1");
        mdc.pushByKey("d", "2");
        assertEquals(List.of("2", "1"), new ArrayList<>(mdc.getCopyOfDequeByKey("d")));
        assertEquals("2", mdc.popByKey("d"));
        mdc.clearDequeByKey("d");
        assertTrue(mdc.getCopyOfDequeByKey("d") == null || mdc.getCopyOfDequeByKey("d").isEmpty());
    }

    /** Random puts, removes and clears (more keys than its first arrays hold) agree with Logback's own adapter. */
    @Test
    void agreesWithLogbacksAdapter() {
        Random rnd = new Random(7);
        MDCAdapter ours = new ReusingMdcAdapter();
        MDCAdapter logback = new LogbackMDCAdapter();
        for (int i = 0; i < 20_000; i++) {
            String key = "k" + rnd.nextInt(12);
            switch (rnd.nextInt(10)) {
                case 0 -> {
                    ours.clear();
                    logback.clear();
                }
                case 1, 2 -> {
                    ours.remove(key);
                    logback.remove(key);
                }
                default -> {
                    String v = rnd.nextInt(5) == 0 ? null : "v" + i;
                    ours.put(key, v);
                    logback.put(key, v);
                }
            }
            assertEquals(logback.get(key), ours.get(key), "after step " + i);
        }
        Map<String, String> expected = logback.getCopyOfContextMap();
        assertEquals(expected == null ? new HashMap<>() : expected, ours.getCopyOfContextMap());
    }
}
