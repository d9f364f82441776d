#!/usr/bin/env bash
# Stop what ops/serve.sh started, by the PIDs it recorded under .prefect/run/: the worker first (so
# no new flow run starts), then the server. Idempotent: missing or stale PID files are just removed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.prefect/run"
GRACE="${CDS_STOP_GRACE_SECONDS:-15}"

log() { printf 'stop: %s\n' "$*"; }

# ours PID: the process runs and is a Prefect process, not an unrelated one that reused the PID.
ours() {
  kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q prefect
}

# signal SIG PID: to the process's session group (serve.sh starts each one with setsid, so flow-run
# subprocesses of the worker go too), falling back to the process alone.
signal() {
  kill -s "$1" -- "-$2" 2>/dev/null || kill -s "$1" "$2" 2>/dev/null || true
}

# wait_gone PID SECONDS: true once the process has exited.
wait_gone() {
  local waited=0
  while kill -0 "$1" 2>/dev/null; do
    ((waited >= $2 * 10)) && return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# stop NAME TERMS: TERMS SIGTERMs (the worker only begins shutting down on the second), then SIGKILL.
stop() {
  local name="$1" terms="$2" pidfile="$RUN_DIR/$1.pid" pid i
  if [[ ! -f "$pidfile" ]]; then
    log "$name not running"
    return
  fi
  pid="$(<"$pidfile")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && ours "$pid"; then
    for ((i = 1; i <= terms; i++)); do
      signal TERM "$pid"
      if ((i < terms)); then
        wait_gone "$pid" 2 && break
      else
        wait_gone "$pid" "$GRACE" || true
      fi
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) still running after SIGTERM; killing it"
      signal KILL "$pid"
      wait_gone "$pid" 5 || log "$name (pid $pid) did not exit" >&2
    fi
    log "$name stopped (pid $pid)"
  else
    log "$name not running (stale pid file)"
  fi
  rm -f "$pidfile"
}

stop worker 2
stop server 1
rm -f "$RUN_DIR/server.port"
