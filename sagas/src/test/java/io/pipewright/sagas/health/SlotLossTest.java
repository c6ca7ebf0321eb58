package io.pipewright.sagas.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.RecordDataGap;
import io.pipewright.kernel.pipeline.SourceNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which answers of the slot query are a lost slot, and which are not. */
class SlotLossTest {

    private static final Instant AT = Instant.parse("2026-06-22T10:00:00Z");
    private static final SourceNode PRIMARY = new SourceNode("10.0.0.5", 5432);
    private static final SourceNode STANDBY = new SourceNode("10.0.0.6", 5432);
    private static final UUID ID = UUID.randomUUID();

    @Test
    void anInvalidatedSlotIsAGapFromWhatItConfirmed() {
        Optional<RecordDataGap> gap = SlotLoss.of(pipeline(true, PRIMARY, "0/100", false),
                found(PRIMARY, slot("0/200", "lost", null, false)), AT);
        assertThat(gap).get().satisfies(record -> {
            assertThat(record.fromLsn()).isEqualTo("0/200");
            assertThat(record.reason()).contains("invalidated", "wal_status lost", "max_slot_wal_keep_size");
            assertThat(record.observedAt()).isEqualTo(AT);
        });
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false),
                found(PRIMARY, slot("0/200", "lost", "wal_removed", false)), AT).orElseThrow().reason())
                .contains("wal_removed");
    }

    @Test
    void aMissingSlotIsAGapOnlyWhenThePipelineHadOne() {
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false), found(PRIMARY, null), AT))
                .get().extracting(RecordDataGap::fromLsn).isEqualTo("0/100");
        assertThat(SlotLoss.of(pipeline(false, null, null, false), found(PRIMARY, null), AT)).isEmpty();
    }

    @Test
    void aSlotOnANewPrimaryIsAGapUnlessItWasSynced() {
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false), found(STANDBY, slot("0/300", "reserved",
                null, false)), AT)).get().extracting(RecordDataGap::reason).asString().contains("created anew");
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false), found(STANDBY, slot("0/300", "reserved",
                null, true)), AT)).isEmpty();
    }

    @Test
    void aHealthySlotASilentSourceOrAGapAlreadyOpenDecideNothing() {
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false), found(PRIMARY, slot("0/300", "reserved",
                null, false)), AT)).isEmpty();
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", false), Optional.empty(), AT)).isEmpty();
        assertThat(SlotLoss.of(pipeline(true, PRIMARY, "0/100", true), found(PRIMARY, null), AT)).isEmpty();
    }

    private static MonitoredPipeline pipeline(boolean slotExpected, SourceNode seenOn, String confirmed,
                                              boolean gapOpen) {
        return new MonitoredPipeline(ID, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "RUNNING",
                List.of(), null, false, PRIMARY, slotExpected, seenOn, confirmed, gapOpen);
    }

    private static SlotObserver.SlotUsage slot(String confirmed, String walStatus, String reason, boolean synced) {
        return new SlotObserver.SlotUsage(0, 0, confirmed, walStatus, reason, null, synced);
    }

    private static Optional<SlotObserver.SourceSlots> found(SourceNode primary, SlotObserver.SlotUsage slot) {
        MonitoredPipeline any = pipeline(false, null, null, false);
        return Optional.of(new SlotObserver.SourceSlots(primary, null,
                slot == null ? Map.of() : Map.of(any.slotName(), slot)));
    }
}
