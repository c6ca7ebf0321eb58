package io.pipewright.query;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** Answers for anything the caller may not see: absent and foreign look the same, so nothing leaks. */
public final class NotFound {

    private NotFound() {
    }

    public static ResponseStatusException of(String what, Object id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, what + " " + id + " not found");
    }
}
