package org.iommusim.persistence.stream;

import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/** What a stream entity ({@code smmu-<n>/sid-<sid>}) records: software's writes to the STE and CD table. */
public sealed interface StreamEvent extends JournalSerializable {
    record SteWritten(Ste ste) implements StreamEvent {}

    record CdWritten(int ssid, Cd cd) implements StreamEvent {}
}
