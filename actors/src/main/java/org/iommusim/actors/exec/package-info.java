/**
 * The deterministic execution mode: an ActorSystem whose every actor turn,
 * journal write, future callback and timer runs on one caller-driven queue,
 * on the caller's thread, with timers on a virtual clock. Start at
 * {@link org.iommusim.actors.exec.DeterministicRuntime}; docs/ARCHITECTURE.md
 * ("Deterministic execution") says what runs where and why.
 */
package org.iommusim.actors.exec;
