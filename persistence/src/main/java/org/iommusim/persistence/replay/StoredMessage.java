package org.iommusim.persistence.replay;

import java.nio.charset.StandardCharsets;

/**
 * A zero-copy reading of one journal value: Pekko's protobuf
 * {@code PersistentMessage}, scanned by hand for the few fields replay needs,
 * so that reading an event allocates nothing until a field is asked for.
 *
 * <p>Field numbers, checked against the descriptors compiled into
 * {@code pekko-persistence} 1.7.0 ({@code MessageFormats}, see
 * {@code StoredMessageTest}): {@code PersistentMessage}: payload = 1
 * (message), sequenceNr = 2 (int64), persistenceId = 3 (string),
 * writerUuid = 13 (string), timestamp = 14 (sint64); others skipped.
 * {@code PersistentPayload}: serializerId = 1 (int32), payload = 2 (bytes),
 * payloadManifest = 3 (bytes).
 *
 * <p>Reusable: {@link #scan} overwrites the previous reading. Not thread-safe.
 */
public final class StoredMessage {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH = 2;
    private static final int FIXED32 = 5;

    private byte[] buf;
    private int pos;
    private int serializerId;
    private int payloadOffset;
    private int payloadLength;
    private int manifestOffset;
    private int manifestLength;
    private int writerOffset;
    private int writerLength;
    private long sequenceNr;
    private long timestamp;
    private final ManifestCache manifests = new ManifestCache();

    /**
     * Reads {@code value}, the record of {@code persistenceId} #{@code seq};
     * throws {@link JournalReadException} naming that record if it is not a PersistentMessage.
     */
    public StoredMessage scan(byte[] value, String persistenceId, long seq) {
        buf = value;
        serializerId = 0;
        payloadOffset = -1;
        payloadLength = 0;
        manifestOffset = 0;
        manifestLength = 0;
        writerOffset = 0;
        writerLength = 0;
        sequenceNr = 0;
        timestamp = 0;
        try {
            scanMessage(0, value.length);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw corrupt(persistenceId + " #" + seq, "truncated");
        }
        if (payloadOffset < 0) {
            throw corrupt(persistenceId + " #" + seq, "no payload");
        }
        return this;
    }

    private void scanMessage(int from, int to) {
        pos = from;
        while (pos < to) {
            long tag = varint();
            int field = (int) (tag >>> 3);
            int wire = (int) tag & 7;
            if (field == 1 && wire == LENGTH) {
                int len = length(to);
                int end = pos + len;
                scanPayload(pos, end);
                pos = end;
            } else if (field == 2 && wire == VARINT) {
                sequenceNr = varint();
            } else if (field == 13 && wire == LENGTH) {
                writerLength = length(to);
                writerOffset = pos;
                pos += writerLength;
            } else if (field == 14 && wire == VARINT) {
                long z = varint();
                timestamp = (z >>> 1) ^ -(z & 1);
            } else {
                skip(wire, to);
            }
        }
        if (pos != to) {
            throw new ArrayIndexOutOfBoundsException();
        }
    }

    private void scanPayload(int from, int to) {
        pos = from;
        while (pos < to) {
            long tag = varint();
            int field = (int) (tag >>> 3);
            int wire = (int) tag & 7;
            if (field == 1 && wire == VARINT) {
                serializerId = (int) varint();
            } else if (field == 2 && wire == LENGTH) {
                payloadLength = length(to);
                payloadOffset = pos;
                pos += payloadLength;
            } else if (field == 3 && wire == LENGTH) {
                manifestLength = length(to);
                manifestOffset = pos;
                pos += manifestLength;
            } else {
                skip(wire, to);
            }
        }
        if (pos != to) {
            throw new ArrayIndexOutOfBoundsException();
        }
        if (payloadOffset < 0) {
            // a payload field of length 0 is omitted by protobuf only if optional; Pekko's is required
            payloadOffset = to;
        }
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new ArrayIndexOutOfBoundsException();
    }

    private int length(int limit) {
        long n = varint();
        if (n < 0 || n > limit - pos) {
            throw new ArrayIndexOutOfBoundsException();
        }
        return (int) n;
    }

    private void skip(int wire, int limit) {
        switch (wire) {
            case VARINT -> varint();
            case FIXED64 -> pos += 8;
            case LENGTH -> {
                int n = length(limit); // not "pos += length(..)": Java reads pos before the call advances it
                pos += n;
            }
            case FIXED32 -> pos += 4;
            default -> throw new ArrayIndexOutOfBoundsException();
        }
    }

    private static JournalReadException corrupt(String where, String why) {
        return new JournalReadException("corrupt journal record " + where + ": not a Pekko PersistentMessage (" + why
                + ")");
    }

    public int serializerId() {
        return serializerId;
    }

    public long sequenceNr() {
        return sequenceNr;
    }

    /** Wall-clock milliseconds of the write. */
    public long timestamp() {
        return timestamp;
    }

    public String writerUuid() {
        return new String(buf, writerOffset, writerLength, StandardCharsets.UTF_8);
    }

    /** The serializer's manifest; the same few strings recur, so they are shared, not rebuilt. */
    public String manifest() {
        return manifests.get(buf, manifestOffset, manifestLength);
    }

    /**
     * The global sequence number of a stamped event ({@code @}-prefixed
     * manifest, see {@code Stamped}), read in place; 0 for an unstamped
     * record, -1 for a stamp that does not read.
     */
    public long stampGsn() {
        if (manifestLength == 0 || buf[manifestOffset] != '@') {
            return 0;
        }
        return org.iommusim.persistence.serialization.CausalStamp.gsnAt(buf, payloadOffset,
                payloadOffset + payloadLength);
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** A copy of the payload bytes (the serializer takes a whole array). */
    public byte[] payload() {
        byte[] out = new byte[payloadLength];
        System.arraycopy(buf, payloadOffset, out, 0, payloadLength);
        return out;
    }
}
