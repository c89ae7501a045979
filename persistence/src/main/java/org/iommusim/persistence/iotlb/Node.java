package org.iommusim.persistence.iotlb;

/**
 * A cached entry as the shard holds it: a link in the replacement order and a
 * slot in the hash index. The key fields are copied out of the entry so a
 * probe compares primitives only.
 */
final class Node {
    final IotlbEntry entry;
    final int kind;
    final int vmid;
    final int asid;
    final long va;
    final long size;
    /** The set the node is in (0 in a fully associative TLB). */
    int set;
    /** When it last went to the end of its set's replacement order: orders a set's entries without a walk. */
    long placed;
    Node prev;
    Node next;

    Node(IotlbEntry entry) {
        this.entry = entry;
        this.kind = entry.kind().ordinal();
        this.vmid = entry.vmid();
        this.asid = entry.asid();
        this.va = entry.va();
        this.size = entry.size();
    }

    boolean is(int kind, int vmid, int asid, long va, long size) {
        return this.va == va && this.size == size && this.vmid == vmid && this.asid == asid && this.kind == kind;
    }
}
