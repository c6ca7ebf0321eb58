package io.pipewright.kernel;

/**
 * A command that makes no sense for the target as it stands. The message is shown to the user as is: it names the
 * state and what would be needed, never a secret.
 */
public class CommandRefused extends RuntimeException {

    public enum Reason {
        /** The target does not exist for the caller. */
        NOT_FOUND,
        /** The target exists but its current state forbids the command. */
        CONFLICT,
        /** The caller is a member of the target's organization, without the permission the command needs. */
        FORBIDDEN
    }

    private final Reason reason;

    public CommandRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public static CommandRefused notFound(String message) {
        return new CommandRefused(Reason.NOT_FOUND, message);
    }

    public static CommandRefused conflict(String message) {
        return new CommandRefused(Reason.CONFLICT, message);
    }

    public static CommandRefused forbidden(String message) {
        return new CommandRefused(Reason.FORBIDDEN, message);
    }

    public Reason reason() {
        return reason;
    }
}
