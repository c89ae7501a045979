package org.iommusim.simulations.cli;

public final class IommuSimCli {
    public static void main(String[] args) { System.out.println("stub"); }
}
