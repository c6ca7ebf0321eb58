package io.pipewright.query.page;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a page of a list ordered by creation time and id ends: the next page starts strictly after it. Rows created
 * later sort after every existing one, so pages stay stable while rows are added.
 */
public record Keyset(Instant createdAt, UUID id) {
}
