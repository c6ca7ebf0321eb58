package io.pipewright.adapters.probe;

import io.pipewright.kernel.service.ServiceStatus;

/**
 * What one part of a probe found wrong, in words shown to the tenant, and whether it can pass by itself
 * ({@link ServiceStatus#PENDING}: not answering yet) or needs the registration or the server changed
 * ({@link ServiceStatus#FAILED}: a refused login, an unverifiable certificate).
 */
record Finding(ServiceStatus status, String reason) {

    static Finding pending(String reason) {
        return new Finding(ServiceStatus.PENDING, reason);
    }

    static Finding failed(String reason) {
        return new Finding(ServiceStatus.FAILED, reason);
    }
}
