package io.pipewright.query.page;

import java.util.UUID;

/**
 * Where a page of a list ordered by name (in code-point order, PostgreSQL's "C" collation) and id ends: the next page
 * starts strictly after it. For lists a user reads by name, where {@link Keyset}'s creation order would look random.
 */
public record NameKeyset(String name, UUID id) {
}
