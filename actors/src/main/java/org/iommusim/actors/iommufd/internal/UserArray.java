package org.iommusim.actors.iommufd.internal;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.actors.iommufd.Errno;
import org.iommusim.actors.iommufd.IommufdException;
import org.iommusim.protocol.command.RawCommand;

/**
 * How arm-smmu-v3 reads an {@code IOMMU_HWPT_INVALIDATE} array
 * ({@code iommu_copy_struct_from_full_user_array} in include/linux/iommu.h,
 * each entry through {@code copy_struct_from_user}): an entry of the
 * struct's size is copied as it is; a shorter one is zero-filled (an older
 * userspace's struct); a longer one is accepted when the bytes beyond the
 * struct are zero and refused with E2BIG otherwise. The whole array is
 * read before any entry is handled, so an E2BIG anywhere handles nothing.
 */
public final class UserArray {
    private UserArray() {}

    /** The commands of {@code bytes}, {@code entryLength} bytes each (positive, dividing the length). */
    public static List<RawCommand> copyEntries(byte[] bytes, int entryLength) {
        int n = bytes.length / entryLength;
        if (n == 0) {
            throw new IommufdException(Errno.EINVAL, "entry_num 0: iommu_copy_struct_from_full_user_array reads no"
                    + " empty array");
        }
        List<RawCommand> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = i * entryLength;
            byte[] entry = new byte[RawCommand.BYTES];
            System.arraycopy(bytes, at, entry, 0, Math.min(entryLength, RawCommand.BYTES));
            for (int k = RawCommand.BYTES; k < entryLength; k++) {
                if (bytes[at + k] != 0) {
                    throw new IommufdException(Errno.E2BIG, "entry " + i + ": byte " + k + " beyond struct"
                            + " iommu_viommu_arm_smmuv3_invalidate (16 bytes) is not zero");
                }
            }
            out.add(RawCommand.fromBytes(entry, 0));
        }
        return out;
    }
}
