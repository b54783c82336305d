#!/usr/bin/env bash
# run.sh SIMULATION [extra -D props]: builds the gateway jar if missing, starts the demo stack (gateway :8080 and
# sandbox :8090 on 127.0.0.1) with a large population and load-friendly rate limits, waits for /health/ready,
# runs one Gatling simulation, stops the demo and prints where the HTML report is.
# Example: load-tests/run.sh PharmacyRushSimulation -Dusers=30 -Dduration=40
# Works from the repository root and from load-tests/.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 SIMULATION [-Dprop=value ...]   (PharmacyRushSimulation, CodeRefreshSimulation," >&2
  echo "       ContributionDeadlineSimulation, DegradedCoreSimulation)" >&2
  exit 2
fi
SIMULATION=$1; shift

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"

GATEWAY=${GATEWAY:-http://127.0.0.1:8080}
READY_TIMEOUT=${READY_TIMEOUT:-120}

if [ ! -f target/yibao-gateway.jar ]; then
  echo "== building the gateway jar (mvn -q package -DskipTests)"
  mvn -q -f pom.xml package -DskipTests
fi

if curl -s -o /dev/null --max-time 2 "$GATEWAY/health/live"; then
  echo "something already answers at $GATEWAY; stop it first (run.sh starts its own demo)" >&2
  exit 1
fi

mkdir -p "$HERE/target"
DEMO_PID=
stop_demo() {
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    echo "== stopping the demo (pid $DEMO_PID)"
    kill "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
}
trap stop_demo EXIT

# Starts the demo in the background and waits for /health/ready. Returns 1 when the demo exited while starting
# (seen once on a 2-core box saturated by another benchmark: "failed to start: ...ProblemException" after a slow
# start), 2 when it is still not ready after READY_TIMEOUT seconds.
start_demo() {
  LOG="$HERE/target/demo-$(date +%Y%m%d-%H%M%S).log"
  echo "== starting the demo (log: $LOG)"
  # Budgets are capped at 1 000 000 by the config validation. All virtual users come from 127.0.0.1, so the
  # per-address budgets (anonymous operations, failed authentication, the in-process flood guard, sign-in codes,
  # real-name checks) are raised to the maximum; so are the per-terminal and per-pharmacy ones, since the demo's
  # two terminals carry a whole rush.
  YB_SANDBOX_POPULATION=${YB_SANDBOX_POPULATION:-200000} \
  YB_RATE_LIMITS_ANONYMOUS_PER_CLIENT_ADDRESS_LIMIT=${YB_RATE_LIMITS_ANONYMOUS_PER_CLIENT_ADDRESS_LIMIT:-1000000} \
  YB_RATE_LIMITS_FAILED_AUTHENTICATIONS_PER_CLIENT_ADDRESS_LIMIT=${YB_RATE_LIMITS_FAILED_AUTHENTICATIONS_PER_CLIENT_ADDRESS_LIMIT:-1000000} \
  YB_RATE_LIMITS_FLOOD_GUARD_PER_CLIENT_ADDRESS_LIMIT=${YB_RATE_LIMITS_FLOOD_GUARD_PER_CLIENT_ADDRESS_LIMIT:-1000000} \
  YB_RATE_LIMITS_PER_TERMINAL_LIMIT=${YB_RATE_LIMITS_PER_TERMINAL_LIMIT:-1000000} \
  YB_RATE_LIMITS_PER_PHARMACY_LIMIT=${YB_RATE_LIMITS_PER_PHARMACY_LIMIT:-1000000} \
  YB_IDENTITY_OTP_PER_PHONE_LIMIT=${YB_IDENTITY_OTP_PER_PHONE_LIMIT:-1000} \
  YB_IDENTITY_OTP_PER_PHONE_DAILY_LIMIT=${YB_IDENTITY_OTP_PER_PHONE_DAILY_LIMIT:-1000} \
  YB_IDENTITY_OTP_PER_CLIENT_ADDRESS_LIMIT=${YB_IDENTITY_OTP_PER_CLIENT_ADDRESS_LIMIT:-1000000} \
  YB_IDENTITY_FAILED_LOGINS_PER_PHONE_LIMIT=${YB_IDENTITY_FAILED_LOGINS_PER_PHONE_LIMIT:-1000} \
  YB_IDENTITY_REAL_NAME_PER_CLIENT_ADDRESS_LIMIT=${YB_IDENTITY_REAL_NAME_PER_CLIENT_ADDRESS_LIMIT:-1000000} \
    java ${DEMO_JAVA_OPTS:--Xmx2g -XX:-DontCompileHugeMethods} -jar target/yibao-gateway.jar demo >"$LOG" 2>&1 &
  DEMO_PID=$!

  echo -n "== waiting for $GATEWAY/health/ready "
  for _ in $(seq 1 "$READY_TIMEOUT"); do
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then
      echo; echo "the demo exited while starting; last lines of its log:" >&2
      grep -v 'has been already registered' "$LOG" | tail -20 >&2
      return 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GATEWAY/health/ready")" = 200 ]; then
      echo "ready"; return 0
    fi
    echo -n "."; sleep 1
  done
  echo; echo "not ready after ${READY_TIMEOUT}s" >&2
  return 2
}

# A demo that dies while starting is started again (DEMO_START_ATTEMPTS, default 2); one that hangs is not.
ATTEMPTS=${DEMO_START_ATTEMPTS:-2}
for attempt in $(seq 1 "$ATTEMPTS"); do
  set +e; start_demo; STARTED=$?; set -e
  [ "$STARTED" = 0 ] && break
  if [ "$STARTED" != 1 ] || [ "$attempt" = "$ATTEMPTS" ]; then
    exit 1
  fi
  echo "== starting the demo again (attempt $((attempt + 1)) of $ATTEMPTS)" >&2
done

echo "== mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=yibao.$SIMULATION $*"
set +e
mvn -f "$HERE/pom.xml" gatling:test "-Dgatling.simulationClass=yibao.$SIMULATION" "$@"
RC=$?
set -e

stop_demo
trap - EXIT

REPORT=$(ls -td "$HERE"/target/gatling/"$(echo "$SIMULATION" | tr '[:upper:]' '[:lower:]')"-*/ 2>/dev/null | head -1 || true)
if [ -n "$REPORT" ]; then
  echo "== Gatling report: ${REPORT#"$ROOT"/}index.html"
fi
exit $RC
