package org.iommusim.actors.iommufd;

/**
 * The SMMU's IDR0..IDR5 register words, 32 bits each, as
 * {@code struct iommu_hw_info_arm_smmuv3.idr[6]} reports them to a VMM.
 */
public record IdrRegisters(int idr0, int idr1, int idr2, int idr3, int idr4, int idr5) {

    /** IDR{@code n}, for {@code n} in 0..5. */
    public int idr(int n) {
        return switch (n) {
            case 0 -> idr0;
            case 1 -> idr1;
            case 2 -> idr2;
            case 3 -> idr3;
            case 4 -> idr4;
            case 5 -> idr5;
            default -> throw new IllegalArgumentException("IDR" + n + " is not one of IDR0..IDR5");
        };
    }

    /** The six words in order, as the uAPI array holds them. */
    public int[] toArray() {
        return new int[] {idr0, idr1, idr2, idr3, idr4, idr5};
    }
}
