package io.pipewright.kernel.policy;

/**
 * A host path the {@link HostPathPolicy} forbids, found just before a file would be written there (a symlink that now
 * leads out of the allowed roots, or a root the operator removed). The message names the path and the rule.
 */
public class HostPathRefused extends RuntimeException {

    public HostPathRefused(String message) {
        super(message, null, false, false);
    }
}
