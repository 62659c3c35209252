#!/usr/bin/env bash
# Start a single-node Apache Kafka broker+controller (KRaft) on 127.0.0.1:9092 (controller 9093).
# Idempotent: exits 0 at once if a broker already answers on 9092.
#
# Env:
#   KAFKA_HEAP           JVM heap flags            (default "-Xms256m -Xmx512m")
#   KAFKA_FAST_START     1 = add -XX:TieredStopAtLevel=1 (C1 only: faster start, slower peak
#                        throughput; set 0 for benchmarks)          (default 1)
#   KAFKA_START_TIMEOUT  seconds to wait for readiness              (default 90)
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$DIR"   # server.properties uses paths relative to infra/kafka/

LIBS="$DIR/.libs"
DATA="$DIR/.data"
LOGS="$DIR/.logs"
PIDFILE="$DATA/kafka.pid"
LOGFILE="$LOGS/server.log"
CLUSTER_ID="aW5mcmEta2Fma2EtMDAwMQ"   # fixed 22-char base64url (= base64url("infra-kafka-0001"))
BOOTSTRAP="127.0.0.1:9092"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
FAST="${KAFKA_FAST_START:-1}"

# Small, quick JVM for CLI tools; warnings only, to stderr.
TOOL_JAVA=(java -Xms32m -Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  "-Dlog4j2.configurationFile=$DIR/tools-log4j2.properties" -cp "$LIBS/*")

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Readiness = the broker answers ApiVersions/Metadata on the PLAINTEXT listener.
broker_ready() {
  port_open 9092 || return 1
  timeout 30 "${TOOL_JAVA[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && grep -qa 'kafka\.Kafka' "/proc/$1/cmdline" 2>/dev/null; }

fail() {
  echo "start.sh: $*" >&2
  if [[ -f "$LOGFILE" ]]; then
    echo "---- last 50 lines of $LOGFILE ----" >&2; tail -n 50 "$LOGFILE" >&2
  fi
  if [[ -s "$LOGS/kafka.out" ]]; then
    echo "---- last 20 lines of $LOGS/kafka.out (JVM stdout/stderr) ----" >&2; tail -n 20 "$LOGS/kafka.out" >&2
  fi
  exit 1
}

mkdir -p "$DATA" "$LOGS"


# 1. Already running? (jars needed for the check, so only try once they exist)
if compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null && broker_ready; then
  echo "kafka already answering on $BOOTSTRAP"
  exit 0
fi

# 2. Jars + sanity of main classes.
"$DIR/fetch.sh"
for cls in kafka.tools.StorageTool kafka.Kafka org.apache.kafka.tools.BrokerApiVersionsCommand; do
  javap -cp "$LIBS/*" "$cls" >/dev/null 2>&1 || fail "main class $cls not found in $LIBS (delete .libs and re-run fetch.sh)"
done
# Now that the tools are here: a broker started from another checkout is just as good.
if port_open 9092 && broker_ready; then
  echo "kafka already answering on $BOOTSTRAP (started elsewhere)"
  exit 0
fi

PID=""
[[ -f "$PIDFILE" ]] && PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if pid_alive "$PID"; then
  echo "kafka process $PID exists but is not ready yet; waiting for it"
else
  rm -f "$PIDFILE"
  for p in 9092 9093; do
    port_open "$p" && fail "port $p is in use by another process (not our broker, no live pid file)"
  done

  # 3. Format storage (no-op on an already formatted dir: data survives restarts/crashes).
  "${TOOL_JAVA[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DIR/server.properties" \
    --ignore-formatted >"$LOGS/format.out" 2>&1 || { cat "$LOGS/format.out" >&2; fail "storage format failed"; }

  # 4. Launch in the background.
  JVM_OPTS=($HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)
  [[ "$FAST" == "1" ]] && JVM_OPTS+=(-XX:TieredStopAtLevel=1)
  # setsid: the broker gets its own session, so a signal to the caller's process group (a test
  # runner being stopped) does not take the shared broker down with it.
  setsid nohup java "${JVM_OPTS[@]}" \
    "-Dlog4j2.configurationFile=$DIR/log4j2.properties" "-Dkafka.logs.dir=$LOGS" \
    -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" >"$LOGS/kafka.out" 2>&1 </dev/null &
  PID=$!
  echo "$PID" >"$PIDFILE"
  echo "kafka starting (pid $PID, log $LOGFILE)"
fi

# 5. Wait (bounded) for readiness.
deadline=$((SECONDS + TIMEOUT))
until broker_ready; do
  # Only "is it alive" here: right after the launch /proc/PID/cmdline may still show nohup or setsid.
  kill -0 "$PID" 2>/dev/null || { rm -f "$PIDFILE"; fail "kafka process $PID died during start-up"; }
  if (( SECONDS >= deadline )); then
    kill -9 "$PID" 2>/dev/null || true; rm -f "$PIDFILE"
    fail "kafka not ready on $BOOTSTRAP after ${TIMEOUT}s (process killed)"
  fi
  sleep 1
done
echo "kafka ready on $BOOTSTRAP (pid $PID)"
