package org.iommusim.persistence.iotlb;

import java.util.ArrayList;
import java.util.List;

/**
 * The shard's entries as a doubly linked list, first = next to evict. Fills
 * append; under LRU a hit moves its node to the end. O(1) except
 * {@link #at}, which only the RANDOM policy uses.
 */
final class ReplacementOrder {
    private Node first;
    private Node last;
    private int count;
    private long placements;

    int size() {
        return count;
    }

    Node first() {
        return first;
    }

    void append(Node n) {
        n.placed = ++placements;
        n.prev = last;
        n.next = null;
        if (last == null) {
            first = n;
        } else {
            last.next = n;
        }
        last = n;
        count++;
    }

    void unlink(Node n) {
        if (n.prev == null) {
            first = n.next;
        } else {
            n.prev.next = n.next;
        }
        if (n.next == null) {
            last = n.prev;
        } else {
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
        count--;
    }

    void moveToEnd(Node n) {
        if (n != last) {
            unlink(n);
            append(n);
        }
    }

    /** The node at position {@code i} from the first, walking from the nearer end. */
    Node at(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i + " of " + count);
        }
        Node n;
        if (i < count / 2) {
            n = first;
            for (int k = 0; k < i; k++) {
                n = n.next;
            }
        } else {
            n = last;
            for (int k = count - 1; k > i; k--) {
                n = n.prev;
            }
        }
        return n;
    }

    void clear() {
        first = null;
        last = null;
        count = 0;
    }

    List<IotlbEntry> entries() {
        List<IotlbEntry> out = new ArrayList<>(count);
        for (Node n = first; n != null; n = n.next) {
            out.add(n.entry);
        }
        return out;
    }
}
