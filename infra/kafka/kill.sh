#!/usr/bin/env bash
# Crash drill: SIGKILL the broker immediately (no controlled shutdown). A later start.sh
# restarts it on the same data (storage is not re-formatted; the logs are recovered).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIDFILE="$DIR/.data/kafka.pid"
# Fully gone = no /proc entry, or an unreaped zombie whose other threads have all exited
# (the JVM's main thread turns Z first while other threads still hold the listening sockets).
gone() {
  [[ -e "/proc/$1" ]] || return 0
  [[ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" == Z ]] || return 1
  [[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -le 1 ]]
}

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null && grep -qa 'kafka\.Kafka' "/proc/$PID/cmdline" 2>/dev/null; then
  kill -KILL "$PID"
  for _ in $(seq 100); do gone "$PID" && break; sleep 0.1; done   # bounded: ~10 s
  echo "kafka killed (pid $PID, SIGKILL)"
else
  echo "kafka not running${PID:+ (stale pid $PID)}"
fi
rm -f "$PIDFILE"
