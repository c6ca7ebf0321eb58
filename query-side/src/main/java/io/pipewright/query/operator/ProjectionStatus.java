package io.pipewright.query.operator;

/**
 * Where a projection's processor stands. {@code replaying} turns true when a rebuild starts and false once every
 * event that existed at the reset has been applied again, so a caller can wait for it; it is also true while a
 * running processor holds no segment (just started, or backing off after an {@code error}). {@code position} is the
 * global index of the last event handled (the slowest segment), null before the first and on a node where the
 * processor does not run; {@code remaining} how many stored events come after it (all of them before the first), null
 * where the processor does not run. While a rebuild this node started is replaying, {@code eventsPerSecond} is its
 * average speed since it started; null otherwise.
 */
public record ProjectionStatus(String name, boolean running, boolean replaying, Long position, Long remaining,
                               Long eventsPerSecond, boolean error) {
}
