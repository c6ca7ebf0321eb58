package io.pipewright.app.security;

import io.pipewright.kernel.access.Caller;

/** Which organizations a user belongs to. */
interface Memberships {

    Caller callerNamed(String username);
}
