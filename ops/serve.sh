#!/usr/bin/env bash
# Run the pipeline on a schedule from this checkout: a local Prefect server on 127.0.0.1, the
# `cds-process` work pool, every deployment in prefect.yaml and one process worker.
# State, PIDs and logs live under .prefect/ so a developer's own Prefect setup is never touched.
# Idempotent: what is already running is left alone; deployments are re-applied every time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.venv/bin"
POOL="cds-process"
HEALTH_TIMEOUT="${CDS_PREFECT_HEALTH_TIMEOUT:-90}"

export PREFECT_HOME="$ROOT/.prefect"
RUN_DIR="$PREFECT_HOME/run"
# A server serve.sh already started keeps its port, whatever CDS_PREFECT_PORT says now.
PORT="${CDS_PREFECT_PORT:-4200}"
if [[ -f "$RUN_DIR/server.pid" && -f "$RUN_DIR/server.port" ]]; then
  PORT="$(<"$RUN_DIR/server.port")"
fi
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false
# The pull step of prefect.yaml resolves this when a flow run starts (the worker inherits it).
export CDS_PROJECT_DIR="$ROOT"
# The server copies its UI build into this folder at start; site-packages may be read-only.
export PREFECT_SERVER_UI_STATIC_DIRECTORY="${PREFECT_SERVER_UI_STATIC_DIRECTORY:-$PREFECT_HOME/ui}"

log() { printf 'serve: %s\n' "$*"; }

# alive PIDFILE: the recorded process still runs and is a Prefect process (not a reused PID).
alive() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(<"$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q prefect
}

healthy() { curl -fsS --max-time 2 "$PREFECT_API_URL/health" >/dev/null 2>&1; }

# spawn NAME CMD...: start CMD in its own session (so `make stop` can end its children too),
# detached from the terminal, logging to $RUN_DIR/NAME.log, PID in $RUN_DIR/NAME.pid.
spawn() {
  local name="$1"
  shift
  setsid nohup "$@" >>"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo "$!" >"$RUN_DIR/$name.pid"
  log "$name started (pid $!, log $RUN_DIR/$name.log)"
}

start_server() {
  if alive "$RUN_DIR/server.pid"; then
    log "server already running (pid $(<"$RUN_DIR/server.pid"))"
    return
  fi
  if healthy; then
    log "another Prefect server already answers on port $PORT; set CDS_PREFECT_PORT to another port" >&2
    exit 1
  fi
  local ui_flag=()
  mkdir -p "$PREFECT_SERVER_UI_STATIC_DIRECTORY" 2>/dev/null || true
  if [[ ! -w "$PREFECT_SERVER_UI_STATIC_DIRECTORY" ]]; then
    ui_flag=(--no-ui)
    log "UI static folder not writable: starting without the UI"
  fi
  spawn server "$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" "${ui_flag[@]}"
  echo "$PORT" >"$RUN_DIR/server.port"
}

wait_for_health() {
  local waited=0
  until healthy; do
    if ! alive "$RUN_DIR/server.pid"; then
      log "the server exited; last lines of $RUN_DIR/server.log:" >&2
      tail -n 20 "$RUN_DIR/server.log" >&2 || true
      exit 1
    fi
    if ((waited >= HEALTH_TIMEOUT)); then
      log "no answer from $PREFECT_API_URL/health after ${HEALTH_TIMEOUT}s; see $RUN_DIR/server.log" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "server healthy at $PREFECT_API_URL"
}

ensure_pool() {
  if "$BIN/prefect" work-pool inspect "$POOL" >/dev/null 2>&1; then
    log "work pool $POOL exists"
  else
    "$BIN/prefect" work-pool create "$POOL" --type process >/dev/null
    log "work pool $POOL created"
  fi
}

deploy_all() {
  (cd "$ROOT" && "$BIN/prefect" --no-prompt deploy --all) >>"$RUN_DIR/deploy.log" 2>&1 || {
    log "deploy failed; see $RUN_DIR/deploy.log" >&2
    exit 1
  }
  log "deployments applied from prefect.yaml (log $RUN_DIR/deploy.log)"
}

start_worker() {
  if alive "$RUN_DIR/worker.pid"; then
    log "worker already running (pid $(<"$RUN_DIR/worker.pid"))"
    return
  fi
  (cd "$ROOT" && spawn worker "$BIN/prefect" worker start --pool "$POOL" --type process)
}

main() {
  mkdir -p "$RUN_DIR"
  start_server
  wait_for_health
  ensure_pool
  deploy_all
  start_worker
  local ui="http://127.0.0.1:$PORT"
  [[ -w "$PREFECT_SERVER_UI_STATIC_DIRECTORY" ]] || ui="(none: started with --no-ui)"
  cat <<EOF

Prefect is serving the CĐS pipeline.
  UI:     $ui
  API:    $PREFECT_API_URL
  logs:   $RUN_DIR/{server,worker,deploy}.log
  run:    PREFECT_API_URL=$PREFECT_API_URL $BIN/prefect deployment run 'nightly/nightly'
  stop:   make stop
EOF
}

main "$@"
