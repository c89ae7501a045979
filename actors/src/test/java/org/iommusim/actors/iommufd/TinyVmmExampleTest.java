package org.iommusim.actors.iommufd;

/** Runs {@link TinyVmmExample} under Surefire, whose includes match {@code *Test} names only. */
class TinyVmmExampleTest extends TinyVmmExample {}
