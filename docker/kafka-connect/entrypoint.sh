#!/bin/sh
# Supervises the Connect worker so it can be restarted in place: a plugin extracted into plugin.path is only seen by a
# worker started after it. Contract shared with the local test harness: when the marker file appears, the worker is
# stopped, the marker deleted and the worker started again.
PROPERTIES=/opt/pipewright/connect-distributed.properties
MARKER=/opt/connect-plugins/.restart-requested

start_worker() {
    /opt/kafka/bin/connect-distributed.sh "$PROPERTIES" &
    worker=$!
}

# TERM, not INT: a background job of a non-interactive shell ignores SIGINT.
stop_worker() {
    kill -TERM "$worker" 2>/dev/null
    wait "$worker"
}

trap 'stop_worker; exit 0' TERM INT

# This start already sees whatever was extracted before it: an old marker asks for nothing more. Exiting when the marker
# cannot be deleted avoids restarting the worker every second.
rm -f "$MARKER" || exit 1
start_worker
while :; do
    if [ -e "$MARKER" ]; then
        echo "entrypoint: $MARKER found, restarting the Connect worker"
        stop_worker
        rm -f "$MARKER" || exit 1
        start_worker
    elif ! kill -0 "$worker" 2>/dev/null; then
        # The worker died on its own: end the container so its restart policy applies.
        wait "$worker"
        exit $?
    fi
    sleep 1
done
