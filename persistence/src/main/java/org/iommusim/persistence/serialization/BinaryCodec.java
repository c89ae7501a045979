package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Writes and reads one journal type in the compact binary form. */
public interface BinaryCodec<T> {
    void write(T value, DataOutput out) throws IOException;

    T read(DataInput in) throws IOException;

    interface Writer<T> {
        void write(T value, DataOutput out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    static <T> BinaryCodec<T> of(Writer<T> writer, Reader<T> reader) {
        return new BinaryCodec<>() {
            @Override
            public void write(T value, DataOutput out) throws IOException {
                writer.write(value, out);
            }

            @Override
            public T read(DataInput in) throws IOException {
                return reader.read(in);
            }
        };
    }
}
