package io.pipewright.kernel.dag;

/**
 * When a DAG pipeline runs by itself: a five-field cron in a time zone, on or off, and what happens to due times missed
 * while no control plane ran ({@link CatchUp}).
 */
public record DagSchedule(String cron, String timeZone, boolean enabled, CatchUp catchUp) {

    /** {@code none}: skip missed due times; {@code latest}: run the last one missed; {@code all}: run each, in order. */
    public enum CatchUp {
        NONE, LATEST, ALL;

        public String wireName() {
            return name().toLowerCase();
        }
    }
}
