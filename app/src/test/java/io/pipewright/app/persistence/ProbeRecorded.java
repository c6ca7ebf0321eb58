package io.pipewright.app.persistence;

import java.time.Instant;

record ProbeRecorded(String probeId, Instant recordedAt, int attempt) {
}
