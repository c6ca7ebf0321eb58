package io.pipewright.query;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Answers for anything the caller may not see: absent and foreign look the same, so nothing leaks. The body names the
 * kind only, as the command side's does, so every 404 for one kind of object is the same body.
 */
public final class NotFound {

    private NotFound() {
    }

    public static ResponseStatusException of(String what) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, what + " not found");
    }
}
