# Shared by the demo scripts: names, labels and a narrator. Sourced, not run.
# shellcheck shell=bash
set -euo pipefail

NW_IMAGE=${NW_IMAGE:-netwatch/busybox:latest}
NW_LABEL=io.netwatch.demo        # every object a demo creates carries this label
NW_PARENT=nwva                   # veth pair made for the macvlan demo: nwva <-> nwvb
NW_PARENT_PEER=nwvb

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then B=$'\e[1m'; D=$'\e[2m'; R=$'\e[0m'; else B=''; D=''; R=''; fi

# say TEXT: narrate a step for the audience; with NETWATCH_CAPTIONS=FILE, also as the caption
# of 'netwatch --captions FILE'
say() {
  printf '\n%s==>%s %s\n' "$B" "$R" "$*"
  if [ -n "${NETWATCH_CAPTIONS:-}" ]; then printf '%s\n' "$*" >>"$NETWATCH_CAPTIONS"; fi
}
# look TEXT: tell the audience where to look in netwatch
look() { printf '    %slook:%s %s\n' "$D" "$R" "$*"; }
# run CMD...: show a command, then run it
run() { printf '    %s$%s %s\n' "$D" "$R" "$*"; "$@"; }

need_docker() {
  if ! docker version >/dev/null 2>&1; then
    echo "docker does not answer: start the Docker engine first (or use 'netwatch replay demo/port-conflict.ndjson')" >&2
    exit 1
  fi
}

need_image() {
  docker image inspect "$NW_IMAGE" >/dev/null 2>&1 || "$(dirname "${BASH_SOURCE[0]}")/image"
}

# remove every container, or every network, that a demo made
rm_containers() { docker ps -aq --filter "label=$NW_LABEL" | xargs -r docker rm -f >/dev/null; }
rm_networks() { docker network ls -q --filter "label=$NW_LABEL" | xargs -r docker network rm >/dev/null; }
