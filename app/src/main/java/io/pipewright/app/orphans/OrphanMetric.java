package io.pipewright.app.orphans;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pipewright.sagas.orphans.OrphanLedger;
import io.pipewright.sagas.orphans.TaggedResource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** {@code pipewright.orphans{kind=...}}: what the last sweep found, by kind, zero for a kind it found none of. */
@Component
class OrphanMetric {

    private final MultiGauge orphans;

    OrphanMetric(MeterRegistry registry, OrphanLedger ledger) {
        this.orphans = MultiGauge.builder("pipewright.orphans")
                .description("Resources tagged by Pipewright that belong to no live pipeline, as of the last sweep")
                .register(registry);
        update(ledger.all());
    }

    void update(List<OrphanLedger.Orphan> found) {
        Map<String, Long> byKind = found.stream()
                .collect(Collectors.groupingBy(orphan -> orphan.resource().kind(), Collectors.counting()));
        orphans.register(TaggedResource.REMOVAL_ORDER.stream()
                .map(kind -> MultiGauge.Row.of(Tags.of("kind", kind), byKind.getOrDefault(kind, 0L)))
                .toList(), true);
    }
}
