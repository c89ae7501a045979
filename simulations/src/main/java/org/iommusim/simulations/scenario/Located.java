package org.iommusim.simulations.scenario;

/** A value read from a scenario with the object it came from, so cross-checks can point at its keys. */
record Located<T>(T value, ConfNode node) {}
