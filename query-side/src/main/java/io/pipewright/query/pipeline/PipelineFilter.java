package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.query.page.InvalidParameter;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The filters of a pipeline list, checked: {@code status} one of the live statuses (the wire names), {@code
 * name_prefix} at most {@value #MAX_PREFIX_LENGTH} characters; either may be absent. Anything else is a 400 naming the
 * field.
 */
record PipelineFilter(String status, String namePrefix) {

    static final int MAX_PREFIX_LENGTH = 255;
    private static final List<String> LIVE_STATUSES = Arrays.stream(PipelineStatus.values())
            .filter(status -> status != PipelineStatus.DELETED)
            .map(PipelineStatus::wireName)
            .toList();

    static PipelineFilter of(String status, String namePrefix) {
        if (status != null && !LIVE_STATUSES.contains(status)) {
            throw new InvalidParameter("status", "must be one of " + String.join(", ", LIVE_STATUSES));
        }
        if (namePrefix != null && namePrefix.length() > MAX_PREFIX_LENGTH) {
            throw new InvalidParameter("name_prefix", "must be at most " + MAX_PREFIX_LENGTH + " characters");
        }
        return new PipelineFilter(status, namePrefix == null || namePrefix.isEmpty() ? null : namePrefix);
    }

    /** What a page token of this list is bound to, so it cannot be replayed on another organization or filter. */
    String listing(UUID organizationId) {
        return String.join("\u0000", "pipelines", organizationId.toString(), String.valueOf(status),
                String.valueOf(namePrefix));
    }

    /**
     * The smallest string greater than every string starting with {@code namePrefix} in code-point order (which is
     * the byte order of the "C" collation), or null when no such bound exists: it lets the name index serve the
     * prefix as a range.
     */
    String namePrefixEnd() {
        int[] codePoints = namePrefix.codePoints().toArray();
        for (int last = codePoints.length - 1; last >= 0; last--) {
            int next = codePoints[last] + 1;
            if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                next = Character.MAX_SURROGATE + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                codePoints[last] = next;
                return new String(codePoints, 0, last + 1);
            }
        }
        return null;
    }
}
