#!/usr/bin/env bash
# A Docker engine for a machine where none runs (such as CI's): Debian's packages and a dockerd in
# the background, stopped again by the pid recorded when it was started.
#   scripts/docker_engine.sh install   install what is missing: docker.io (the engine), docker-compose
#                                      (when neither `docker compose` nor `docker-compose` exists)
#   scripts/docker_engine.sh start     install, then start dockerd unless an engine already answers
#   scripts/docker_engine.sh stop      stop the dockerd that `start` started (and nothing else)
#   scripts/docker_engine.sh status    whether an engine answers, and whether `start` started it
# The pid and dockerd's log are kept in $CONTENDER_RANK_DOCKER_STATE (default
# /tmp/contender-rank-docker). Installing and starting need root.
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"

state_dir="${CONTENDER_RANK_DOCKER_STATE:-/tmp/contender-rank-docker}"
pid_file="$state_dir/dockerd.pid"
log_file="$state_dir/dockerd.log"
# --iptables=false: these machines give dockerd no netfilter to program. Containers still reach each
# other on user-defined bridge networks (by service name), but not the outside, which is why image
# builds use the host's network.
read -r -a dockerd_args <<<"${CONTENDER_RANK_DOCKERD_ARGS:---iptables=false}"
start_timeout="${CONTENDER_RANK_DOCKERD_TIMEOUT:-60}"

# The pid `start` recorded, if that process is still a dockerd (a recycled pid is not ours).
our_dockerd() {
    local pid
    [ -f "$pid_file" ] || return 1
    pid=$(cat "$pid_file")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
    echo "$pid"
}

install_missing() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
        missing+=(docker-compose)
    fi
    [ ${#missing[@]} = 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing ${missing[*]}: install them as root (apt-get install ${missing[*]})"
    fi
    note "installing ${missing[*]} (Debian packages)"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

start() {
    if [ -z "$(engine_problem)" ]; then
        note "a Docker engine already answers; nothing started"
        return 0
    fi
    install_missing
    [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
    if our_dockerd >/dev/null; then
        die "the dockerd started earlier (pid $(our_dockerd)) does not answer; see $log_file, or: $0 stop"
    fi
    mkdir -p "$state_dir"
    # its own session: a Ctrl-C or a timeout aimed at the caller's process group leaves it running
    # until `stop`, which first lets the caller remove its containers
    setsid dockerd "${dockerd_args[@]}" >"$log_file" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$pid_file"
    local waited=0
    while [ -n "$(engine_problem)" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$pid_file"
            die "dockerd exited at once; the end of its log ($log_file):
$(tail -n 15 "$log_file")"
        fi
        if [ "$waited" -ge "$start_timeout" ]; then
            stop
            die "dockerd did not answer within $start_timeout s; the end of its log ($log_file):
$(tail -n 15 "$log_file")"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    note "dockerd started (pid $pid, ${dockerd_args[*]}, log $log_file)"
}

stop() {
    local pid
    if ! pid=$(our_dockerd); then
        rm -f "$pid_file"
        note "no dockerd started by $0 is running; nothing stopped"
        return 0
    fi
    kill -TERM "$pid"
    # dockerd stops its containers and its own containerd before it exits
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 60 ]; then
            note "dockerd (pid $pid) still running after 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    rm -f "$pid_file"
    note "dockerd (pid $pid) stopped"
}

status() {
    local problem pid
    problem=$(engine_problem)
    if pid=$(our_dockerd); then
        echo "dockerd started by $0: pid $pid (log $log_file)"
    fi
    if [ -n "$problem" ]; then
        echo "$problem"
        return 1
    fi
    echo "a Docker engine answers: $(docker info --format '{{.ServerVersion}}')"
}

case "${1:-}" in
    install) install_missing ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: $0 install|start|stop|status" ;;
esac
