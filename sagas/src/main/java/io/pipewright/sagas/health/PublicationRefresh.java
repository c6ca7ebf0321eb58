package io.pipewright.sagas.health;

import java.util.List;
import java.util.UUID;

/**
 * A pipeline that captures all tables publishes the explicit list of the tables that have a replica identity, never
 * FOR ALL TABLES: tables created since are added (or named as not captured) when its health is checked.
 */
public interface PublicationRefresh {

    /** Converges the publications of those of {@code pipelineIds} that capture all tables; never creates one. */
    void refresh(List<UUID> pipelineIds);
}
