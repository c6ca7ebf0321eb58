#!/usr/bin/env bash
# Stops the processes of a local stack when the JVM that owns them is gone without stopping them itself.
# stdin: "<pid> <signal>" when a child starts, "-<pid>" when it was stopped normally. At end of input (the owner died or
# closed the pipe) every child still listed gets its signal, newest first; what is left after 10 s gets SIGKILL.
trap '' INT HUP

declare -A signal_of=()
started=()
while read -r pid signal; do
  if [[ $pid == -* ]]; then
    unset "signal_of[${pid#-}]"
  elif [[ $pid =~ ^[0-9]+$ ]]; then
    signal_of[$pid]=$signal
    started+=("$pid")
  fi
done

remaining=()
for ((i = ${#started[@]} - 1; i >= 0; i--)); do
  pid=${started[i]}
  signal=${signal_of[$pid]:-}
  [[ -z $signal ]] && continue
  unset "signal_of[$pid]"
  if kill -s "$signal" "$pid" 2>/dev/null; then
    echo "reaper: owner gone, sent SIG$signal to $pid"
    remaining+=("$pid")
  fi
done

for ((tick = 0; tick < 100 && ${#remaining[@]} > 0; tick++)); do
  alive=()
  for pid in "${remaining[@]}"; do
    kill -0 "$pid" 2>/dev/null && alive+=("$pid")
  done
  remaining=("${alive[@]}")
  ((${#remaining[@]} > 0)) && sleep 0.1
done

for pid in "${remaining[@]}"; do
  echo "reaper: $pid still running after 10 s, sending SIGKILL"
  kill -s KILL "$pid" 2>/dev/null
done
exit 0
