package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Writes and reads one journal type in the compact binary form. */
public interface BinaryCodec<T> {
    void write(T value, DataOutput out) throws IOException;

    T read(DataInput in) throws IOException;
}
