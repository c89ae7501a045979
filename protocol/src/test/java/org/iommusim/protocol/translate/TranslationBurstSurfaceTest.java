package org.iommusim.protocol.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.iommusim.protocol.translate.internal.BurstSlots;
import org.junit.jupiter.api.Test;

/**
 * {@link TranslationBurst}'s public surface is the embedder's only: the model's side (submitting,
 * completing, slots) is package-private and reached through {@link BurstSlots}, an internal package.
 */
class TranslationBurstSurfaceTest {
    /** The embedder's methods: fill, read the requests back, read the answers. */
    private static final Set<String> EMBEDDER = Set.of("capacity", "size", "isEmpty", "add", "clear", "sid", "ssv",
            "ssidOrNone", "iova", "access", "privileged", "request", "translated", "outputAddress", "perms", "result",
            "path", "descriptorReads", "descriptorAddress", "hasDescriptorAddresses", "untranslated", "toString");

    /** The model's side: never public on the burst. */
    private static final Set<String> MODEL = Set.of("isSubmitted", "markSubmitted", "markCompleted", "requestInSlot",
            "slotSid", "slotSsidOrNone", "slotStream", "slotIova", "slotAccess", "slotPrivileged", "slotRequest",
            "answerSlotHit", "answerSlot", "walked");

    private static Set<String> publicMethods() {
        return Arrays.stream(TranslationBurst.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void thePublicMethodsAreTheEmbeddersOnly() {
        assertEquals(new TreeSet<>(EMBEDDER), publicMethods(),
                "TranslationBurst's public methods (a new one is the embedder's, or belongs in BurstSlots)");
    }

    @Test
    void noModelSideMethodIsPublic() {
        for (Method m : TranslationBurst.class.getDeclaredMethods()) {
            if (MODEL.contains(m.getName())) {
                assertFalse(Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()),
                        m + " is the model's: keep it package-private, reached through BurstSlots");
            }
        }
        // every model-side method has its BurstSlots form
        Set<String> slots = Arrays.stream(BurstSlots.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
        assertTrue(slots.containsAll(MODEL), "BurstSlots lacks "
                + MODEL.stream().filter(n -> !slots.contains(n)).toList());
    }

    @Test
    void aWalksDetailIsKeptPerSlotAndResetByTheNextAnswer() {
        TranslationBurst b = new TranslationBurst(3);
        b.add(7, 0x1000, Access.READ);
        b.add(8, 0x2000, Access.READ);
        b.add(9, 0x3000, Access.READ);
        int[] start = BurstSlots.markSubmitted(b, new byte[] {1, 0, 0}, 2); // request 0 in slot 2
        assertEquals(2, start[1]);
        assertEquals(0, BurstSlots.requestInSlot(b, 2));
        BurstSlots.answerSlot(b, 2, new Translated(0x5000, Perms.ofBits(3)), TranslationPath.TLB_MISS);
        long[] scratch = {-1, 0x2000_0000L, -1, 0x2000_1008L, 99};
        BurstSlots.walked(b, 2, 6, scratch, 4); // 6 reads, 4 addresses given: the rest -1
        scratch[1] = 7; // copied: the caller's array is its own again
        BurstSlots.answerSlot(b, 0, new Translated(0x6000, Perms.ofBits(3)), TranslationPath.TLB_MISS);
        BurstSlots.walked(b, 0, 4, null, 0); // a walk of tables without addresses
        BurstSlots.answerSlotHit(b, 1, 0x7000, Perms.ofBits(3));
        BurstSlots.markCompleted(b);
        assertEquals(6, b.descriptorReads(0));
        assertTrue(b.hasDescriptorAddresses(0));
        assertEquals(java.util.List.of(-1L, 0x2000_0000L, -1L, 0x2000_1008L, -1L, -1L),
                java.util.stream.IntStream.range(0, 6).mapToObj(k -> b.descriptorAddress(0, k)).toList());
        assertThrows(IndexOutOfBoundsException.class, () -> b.descriptorAddress(0, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> b.descriptorAddress(0, -1));
        assertEquals(4, b.descriptorReads(1));
        assertFalse(b.hasDescriptorAddresses(1));
        assertEquals(-1, b.descriptorAddress(1, 3));
        assertEquals(0, b.descriptorReads(2), "a hit reads nothing");
        assertThrows(IndexOutOfBoundsException.class, () -> b.descriptorAddress(2, 0));
        // the same requests again, in one run of slots: request 0 in slot 0 now, a hit; the old detail is gone
        BurstSlots.markSubmitted(b);
        BurstSlots.answerSlotHit(b, 0, 0x5000, Perms.ofBits(3));
        BurstSlots.answerSlot(b, 1, new Terminated(8, "test"), TranslationPath.CONFIGURATION);
        BurstSlots.answerSlotHit(b, 2, 0x7000, Perms.ofBits(3));
        BurstSlots.markCompleted(b);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, b.descriptorReads(i), "request " + i);
            assertFalse(b.hasDescriptorAddresses(i));
        }
        assertThrows(IllegalArgumentException.class, () -> BurstSlots.walked(b, 0, -1, null, 0));
    }

    @Test
    void theModelDrivesABurstThroughBurstSlots() {
        TranslationBurst b = new TranslationBurst(4);
        b.add(7, 0x1000, Access.READ);
        b.add(8, 3, 0x2000, Access.WRITE, true);
        int[] start = BurstSlots.markSubmitted(b, new byte[] {1, 0}, 2);
        assertEquals(0, start[0]);
        assertEquals(1, start[1]);
        assertEquals(2, start[2]);
        assertTrue(BurstSlots.isSubmitted(b));
        // slot 0 holds request 1 (group 0), slot 1 request 0
        assertEquals(1, BurstSlots.requestInSlot(b, 0));
        assertEquals(8, BurstSlots.slotSid(b, 0));
        assertEquals(3, BurstSlots.slotSsidOrNone(b, 0));
        assertEquals(Access.WRITE, BurstSlots.slotAccess(b, 0));
        assertTrue(BurstSlots.slotPrivileged(b, 0));
        assertEquals(0x1000, BurstSlots.slotIova(b, 1));
        assertEquals(TranslationBurst.NO_SSID, BurstSlots.slotSsidOrNone(b, 1));
        BurstSlots.answerSlotHit(b, 1, 0x9000, Perms.ofBits(1));
        BurstSlots.answerSlot(b, 0, new Terminated(8, "test"), TranslationPath.CONFIGURATION);
        assertThrows(IllegalStateException.class, b::clear, "the owner cannot touch a submitted burst");
        BurstSlots.markCompleted(b);
        assertFalse(BurstSlots.isSubmitted(b));
        assertTrue(b.translated(0));
        assertEquals(0x9000, b.outputAddress(0));
        assertEquals(TranslationPath.TLB_HIT, b.path(0));
        assertEquals(TranslationPath.CONFIGURATION, b.path(1));
        assertEquals(1, b.untranslated());
    }

    @Test
    void onlyTheBurstInstallsTheSlotAccess() {
        BurstSlots.Access foreign = (BurstSlots.Access) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BurstSlots.Access.class}, (p, m, a) -> null);
        assertThrows(IllegalArgumentException.class, () -> BurstSlots.install(foreign));
    }
}
