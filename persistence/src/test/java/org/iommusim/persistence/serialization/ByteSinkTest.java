package org.iommusim.persistence.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The journal's bytes must not depend on which writer made them: ByteSink against DataOutputStream. */
class ByteSinkTest {
    private interface Writes {
        void to(DataOutput out) throws IOException;
    }

    private static void same(Writes w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream stream = new DataOutputStream(bytes);
        w.to(stream);
        stream.flush();
        ByteSink sink = new ByteSink(1); // starts small: every write below has to grow it
        w.to(sink);
        assertArrayEquals(bytes.toByteArray(), sink.toByteArray());
    }

    @Test
    void everyPrimitiveIsWrittenAsDataOutputStreamWritesIt() throws IOException {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            long l = r.nextLong();
            int i = r.nextInt();
            byte[] raw = new byte[r.nextInt(40)];
            r.nextBytes(raw);
            same(out -> {
                out.writeByte(i);
                out.writeBoolean(i < 0);
                out.writeShort(i);
                out.writeChar(i >>> 3);
                out.writeInt(i);
                out.writeLong(l);
                out.writeLong(-1L);
                out.writeLong(Long.MIN_VALUE);
                out.writeFloat(Float.intBitsToFloat(i));
                out.writeDouble(Double.longBitsToDouble(l));
                out.write(raw);
                out.write(raw, raw.length / 2, raw.length - raw.length / 2);
                out.write(i);
            });
        }
    }

    @Test
    void stringsAreWrittenAsDataOutputStreamWritesThem() throws IOException {
        for (String s : new String[] {"", "S.snap", "journal write \u00e9\u00df", "\u0000 nul and \u20ac and \ud83d\ude00",
                "x".repeat(70_000 / 3)}) {
            same(out -> {
                out.writeUTF(s);
                out.writeBytes(s);
                out.writeChars(s);
            });
        }
    }

    @Test
    void aStringTooLongForItsLengthFieldIsRefusedAsDataOutputStreamRefusesIt() {
        String s = "\u20ac".repeat(30_000); // 90,000 bytes of modified UTF-8
        assertThrows(UTFDataFormatException.class, () -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(s));
        assertThrows(UTFDataFormatException.class, () -> new ByteSink(16).writeUTF(s));
    }
}
