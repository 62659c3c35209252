#!/usr/bin/env bash
# Stop the broker gracefully: SIGTERM (controlled shutdown), wait up to KAFKA_STOP_TIMEOUT
# seconds (default 60), then SIGKILL if it is still alive.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIDFILE="$DIR/.data/kafka.pid"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"

# Fully gone = no /proc entry, or an unreaped zombie whose other threads have all exited
# (the JVM's main thread turns Z first while other threads still hold the listening sockets).
gone() {
  [[ -e "/proc/$1" ]] || return 0
  [[ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" == Z ]] || return 1
  [[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -le 1 ]]
}
pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && grep -qa 'kafka\.Kafka' "/proc/$1/cmdline" 2>/dev/null; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if ! pid_alive "$PID"; then
  echo "kafka not running${PID:+ (stale pid $PID)}"
  rm -f "$PIDFILE"; exit 0
fi

echo "stopping kafka (pid $PID, SIGTERM)"
kill -TERM "$PID"
deadline=$((SECONDS + TIMEOUT))
until gone "$PID" || (( SECONDS >= deadline )); do sleep 0.5; done
if ! gone "$PID"; then
  echo "kafka still alive after ${TIMEOUT}s: SIGKILL"
  kill -KILL "$PID" 2>/dev/null || true
  for _ in $(seq 50); do gone "$PID" && break; sleep 0.2; done
fi
rm -f "$PIDFILE"
echo "kafka stopped"
