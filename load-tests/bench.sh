#!/usr/bin/env bash
# The bench: starts Redis, the sandbox, the gateway and the floor as separate processes on this machine, measures
# the routes (closed loop, warm-up, HdrHistogram) and writes the table to load-tests/results/, then measures the
# gateway's memory with 1 000 and 100 000 live sessions. Needs only a JDK 17+ and Maven.
#   load-tests/bench.sh            # everything
#   load-tests/bench.sh routes     # the route table only
#   load-tests/bench.sh memory     # the session-memory measurement only
# Tunables: -Dbench.concurrency (32), -Dbench.seconds (10), -Dbench.warmup (5) through BENCH_OPTS;
# -Dbench.only=me,png runs the floor and only the rows whose name contains one of those words ("settle" and
# "degraded" name the settlement-overhead and settlement-hung sections).
# BENCH_PIN=1 pins the load generator to CPU 1 and everything it measures (Redis, sandbox, gateway, floor) to CPU 0
# (taskset), so the generator's own CPU does not sit in the measured latency; results name it. Use it for the
# settle-overhead row (-Dbench.only=settle), as the issue asks.
# GATEWAY_JAVA_OPTS adds JVM options to the gateway, e.g. to profile it while the bench runs:
#   GATEWAY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile" load-tests/bench.sh routes
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=target/yibao-gateway.jar
WHAT=${1:-all}
REDIS_PORT=17379; SANDBOX_PORT=17090; GATEWAY_PORT=17080; FLOOR_PORT=17081
STAMP=$(date -u +%Y%m%d-%H%M%S)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
LOGS=$(mktemp -d)
PIDS=()
STACK=(); GENERATOR=()
if [ "${BENCH_PIN:-0}" = 1 ]; then STACK=(taskset -c 0); GENERATOR=(taskset -c 1); fi

[ -f "$JAR" ] || mvn -q -B package -DskipTests

cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() { # wait_for URL
  for _ in $(seq 1 240); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "bench: $1 did not come up (logs in $LOGS)" >&2; exit 1
}

start_stack() { # start_stack POPULATION
  "${STACK[@]}" java -cp "$JAR" load-tests/bench/EmbeddedRedis.java $REDIS_PORT > "$LOGS/redis.log" 2>&1 & PIDS+=($!)
  YB_SANDBOX_PORT=$SANDBOX_PORT YB_SANDBOX_POPULATION=$1 "${STACK[@]}" java -Xmx2g -jar "$JAR" sandbox > "$LOGS/sandbox.log" 2>&1 & PIDS+=($!)
  sleep 2
  env YB_HTTP_PORT=$GATEWAY_PORT YB_MANAGEMENT_PORT=0 YB_REDIS_URL=redis://127.0.0.1:$REDIS_PORT \
    YB_PAYMENT_CHANNEL_NOTIFY_URL=http://127.0.0.1:$GATEWAY_PORT/callbacks/payments/wechat \
    $(for s in registry accounts settlement collection identity sms; do echo "YB_CORE_${s^^}_BASE_URL=http://127.0.0.1:$SANDBOX_PORT/$s"; done) \
    YB_CORE_PAYMENT_BASE_URL=http://127.0.0.1:$SANDBOX_PORT/pay YB_LOG_LEVEL=${GATEWAY_LOG_LEVEL:-INFO} \
    "${STACK[@]}" java -Xms1g -Xmx1g -XX:-DontCompileHugeMethods ${GATEWAY_JAVA_OPTS:-} -jar "$JAR" serve --config load-tests/bench/bench-gateway.yaml > "$LOGS/gateway.log" 2>&1 & GATEWAY_PID=$!
  PIDS+=($GATEWAY_PID)
  wait_for "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health"
  wait_for "http://127.0.0.1:$GATEWAY_PORT/health/ready"
}

stop_stack() { cleanup; PIDS=(); }

pid_on_port() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# The heap still in use after a full GC (jcmd, from the JDK): what the gateway keeps, whatever the GC's sizing.
live_heap_mb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo "n/a"; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | awk '{printf "%.0f", $2/1024}'
}
mem_row() { echo "| $1 | $(rss_mb $GATEWAY_PID) | $(live_heap_mb $GATEWAY_PID) |"; }

if [ "$WHAT" = all ] || [ "$WHAT" = routes ]; then
  start_stack 20000
  "${STACK[@]}" java -cp "$JAR" load-tests/bench/Floor.java redis://127.0.0.1:$REDIS_PORT $FLOOR_PORT > "$LOGS/floor.log" 2>&1 & PIDS+=($!)
  wait_for "http://127.0.0.1:$FLOOR_PORT/floor"
  # The processes whose CPU each row reports (from /proc; empty when ss cannot tell).
  PID_OPTS="-Dbench.clockTicks=$(getconf CLK_TCK) -Dbench.pid.gateway=$GATEWAY_PID"
  for x in floor:$FLOOR_PORT sandbox:$SANDBOX_PORT redis:$REDIS_PORT; do
    p=$(pid_on_port "${x#*:}"); [ -n "$p" ] && PID_OPTS="$PID_OPTS -Dbench.pid.${x%%:*}=$p"
  done
  "${GENERATOR[@]}" java ${BENCH_OPTS:-} $PID_OPTS -Dbench.pinned=${BENCH_PIN:-0} -cp "$JAR" load-tests/bench/Bench.java routes http://127.0.0.1:$GATEWAY_PORT \
    http://127.0.0.1:$SANDBOX_PORT http://127.0.0.1:$FLOOR_PORT "load-tests/results/bench-$STAMP.md" "$COMMIT"
  stop_stack
fi

if [ "$WHAT" = all ] || [ "$WHAT" = memory ]; then
  start_stack 20000
  OUT="load-tests/results/memory-$STAMP.md"
  echo "# Gateway memory with live sessions ($STAMP, commit $COMMIT, $(nproc) cores)" > "$OUT"
  echo >> "$OUT"
  echo "Each session signs in through the SMS-code flow (OTP request, login) and is then used once (GET" >> "$OUT"
  echo "/api/v1/me). The 1 000 sessions then get 300 000 more requests, as many as the gateway serves for the next" >> "$OUT"
  echo "100 000 sign-ins, so both rows come after the same traffic and differ in live sessions only. RSS is read" >> "$OUT"
  echo "first, then the heap still in use after a forced full GC (jcmd GC.run)." >> "$OUT"
  echo >> "$OUT"
  echo "| live sessions | gateway RSS (MB) | live heap after full GC (MB) |" >> "$OUT"
  echo "| ---: | ---: | ---: |" >> "$OUT"
  mem_row 0 >> "$OUT"
  java -cp "$JAR" load-tests/bench/Bench.java sessions http://127.0.0.1:$GATEWAY_PORT http://127.0.0.1:$SANDBOX_PORT 1000 300000
  mem_row "1 000 (after 300 000 requests)" >> "$OUT"
  java -cp "$JAR" load-tests/bench/Bench.java sessions http://127.0.0.1:$GATEWAY_PORT http://127.0.0.1:$SANDBOX_PORT 100000
  mem_row "101 000 (after 300 000 more)" >> "$OUT"
  # What the live heap holds, for whoever wonders where the megabytes are.
  jcmd "$GATEWAY_PID" GC.class_histogram 2>/dev/null | head -30 > "$LOGS/gateway-heap-histogram.txt" || true
  cat "$OUT"
  stop_stack
fi
echo "bench: logs in $LOGS"
