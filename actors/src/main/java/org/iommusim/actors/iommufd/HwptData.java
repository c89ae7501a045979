package org.iommusim.actors.iommufd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The driver-specific payload of {@code IOMMU_HWPT_ALLOC}: its type
 * ({@code enum iommu_hwpt_data_type}) and its bytes as the VMM passes them.
 * Lengths are checked by the host, as the kernel does, not here.
 */
public record HwptData(int type, byte[] bytes) {
    /** {@code IOMMU_HWPT_DATA_NONE}: a paging HWPT, no payload. */
    public static final int NONE = 0;
    /** {@code IOMMU_HWPT_DATA_VTD_S1}: Intel VT-d stage 1, unknown to an SMMU. */
    public static final int VTD_S1 = 1;
    /** {@code IOMMU_HWPT_DATA_ARM_SMMUV3}: a guest STE, {@code __le64 ste[2]}. */
    public static final int ARM_SMMUV3 = 2;
    /** Bytes of {@code struct iommu_hwpt_arm_smmuv3}. */
    public static final int ARM_SMMUV3_LENGTH = 16;

    /** Copies {@code bytes}, so the caller may reuse its buffer. */
    public HwptData {
        bytes = bytes == null ? new byte[0] : bytes.clone();
    }

    /** A guest STE as two 64-bit words, stored little-endian as in guest memory. */
    public static HwptData armSmmuV3(long ste0, long ste1) {
        return new HwptData(ARM_SMMUV3, ByteBuffer.allocate(ARM_SMMUV3_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(ste0).putLong(ste1).array());
    }

    /** A copy of the payload. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Payload length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** The little-endian 64-bit word at byte {@code offset}. */
    long word(int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Whether every byte from {@code from} on is zero (a longer struct from a newer VMM). */
    boolean zeroFrom(int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HwptData d && d.type == type && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HwptData[type=" + type + ", length=" + bytes.length + "]";
    }
}
