package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.NotSerializableException;

/**
 * Where an event stands in the model's one causal order: {@code gsn}, the
 * model-wide (global) sequence number taken when the event was decided (one
 * counter for the whole model, so {@code a.gsn < b.gsn} is "a was decided
 * before b" across entities), and, when the model ran in virtual time, the
 * virtual time of that decision in nanoseconds ({@link #NO_TIME} otherwise).
 *
 * <p>Stored as two unsigned LEB128 varints ahead of the event's own bytes
 * ({@link Stamped}): the gsn, then the virtual time plus one (0: none).
 */
public record CausalStamp(long gsn, long virtualNanos) implements Comparable<CausalStamp> {
    /** No virtual time: the model ran on Pekko's threads, in wall-clock time. */
    public static final long NO_TIME = -1;

    public CausalStamp {
        if (gsn < 1) {
            throw new IllegalArgumentException("a global sequence number starts at 1, not " + gsn);
        }
        if (virtualNanos < NO_TIME) {
            throw new IllegalArgumentException("virtual time " + virtualNanos + " ns is negative");
        }
    }

    public boolean hasTime() {
        return virtualNanos != NO_TIME;
    }

    /** {@code g=<gsn>}, and {@code t=<virtual>ns} when there is a virtual time: the form the replay tools print. */
    public String text() {
        return hasTime() ? "g=" + gsn + " t=" + virtualNanos + "ns" : "g=" + gsn;
    }

    @Override
    public int compareTo(CausalStamp o) {
        return Long.compare(gsn, o.gsn);
    }

    void write(DataOutput out) throws IOException {
        writeVarint(out, gsn);
        writeVarint(out, virtualNanos + 1);
    }

    static CausalStamp read(DataInput in) throws IOException {
        long gsn = readVarint(in);
        long time = readVarint(in) - 1;
        if (gsn < 1 || time < NO_TIME) {
            throw new NotSerializableException("corrupt causal stamp g=" + gsn + " t=" + time);
        }
        return new CausalStamp(gsn, time);
    }

    private static void writeVarint(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarint(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new NotSerializableException("corrupt causal stamp: a varint longer than 10 bytes");
    }

    /**
     * The gsn at the start of a stamped payload ({@code bytes[from..]}), without
     * decoding the rest: what the journal check needs to find the highest
     * stamp. -1 if it does not read.
     */
    public static long gsnAt(byte[] bytes, int from, int to) {
        long v = 0;
        for (int shift = 0, i = from; shift < 64 && i < to; shift += 7, i++) {
            byte b = bytes[i];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        return -1;
    }
}
