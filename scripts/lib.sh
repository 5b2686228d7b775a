# Shared settings and helpers for the project's scripts (sourced, not run).
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT

# Everything downloaded or built is cached outside the clone, keyed by version,
# so a second run on the same machine (or a fresh clone) reuses it.
CLAWFLEET_CACHE=${CLAWFLEET_CACHE:-/var/cache/clawfleet}
export CLAWFLEET_CACHE

NODE_VERSION=${NODE_VERSION:-24.21.0}
NPM_VERSION=${NPM_VERSION:-11.21.2}
OPENCLAW_VERSIONS=${OPENCLAW_VERSIONS:-"2026.9.6 2026.6.5"}
BASE_IMAGE=${BASE_IMAGE:-clawfleet/debian-base:bookworm-3}

venv_dir() {
  local key
  key=$(sha256sum <"$REPO_ROOT/requirements.txt" | cut -c1-12)
  echo "$CLAWFLEET_CACHE/venv-$key"
}

# The venv's tools first on PATH, and this checkout installed as the collection
# clawfleet.openclaw (ANSIBLE_COLLECTIONS_PATH): what the test, demo and bench
# scripts run with after scripts/bootstrap.sh.
use_checkout() {
  local venv collections="$REPO_ROOT/.cache/collections"
  venv=$(venv_dir)
  export PATH="$venv/bin:$PATH"
  mkdir -p "$collections/ansible_collections/clawfleet"
  ln -sfn "$REPO_ROOT" "$collections/ansible_collections/clawfleet/openclaw"
  export ANSIBLE_COLLECTIONS_PATH="$collections"
}

# OpenClaw's official channel plugins baked into each test image, installed as
# @openclaw/<name>@<OpenClaw version>: without them a configured channel makes
# the audit and the Gateway fetch the plugin on demand (network, unpinned).
OPENCLAW_CHANNEL_PLUGINS=${OPENCLAW_CHANNEL_PLUGINS:-"discord slack whatsapp signal"}

# The plugins of one OpenClaw version. Their plugin API range starts at
# 2026.6.11 (2026.6.5 refuses them); older releases bundle what they support
# and never ask for the rest. A later release that lacks one of them on the
# registry fails the image build, naming the package.
channel_plugins() {
  local version=$1
  if [ "$(printf '%s\n' "$version" 2026.6.11 | sort -V | head -1)" = 2026.6.11 ]; then
    echo "$OPENCLAW_CHANNEL_PLUGINS"
  fi
}

# Test image tag: OpenClaw version plus a hash of everything that goes into the image.
test_image_tag() {
  local version=$1 key
  key=$( (cat "$REPO_ROOT"/tests/image/*; echo "$NODE_VERSION $NPM_VERSION $BASE_IMAGE"
          echo "plugins: $(channel_plugins "$version")") | sha256sum | cut -c1-10)
  echo "clawfleet/openclaw-test:$version-$key"
}

# The offline npm mirror (scripts/npm_mirror.py), keyed by what is in it.
npm_mirror_dir() {
  local key
  key=$( (echo "$NODE_VERSION $NPM_VERSION $OPENCLAW_VERSIONS"; cat "$REPO_ROOT/scripts/npm_mirror.py") \
         | sha256sum | cut -c1-10)
  echo "$CLAWFLEET_CACHE/npm-mirror-$key"
}

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Stage timing: `stage NAME command...` runs a command and records its wall time.
# Under `set -e` a failing stage stops the script (the EXIT trap names it);
# without it the exit code is returned so the caller can go on and report.
STAGE_REPORT=${STAGE_REPORT:-}
CURRENT_STAGE=
stage() {
  local name=$1 start rc=0
  shift
  start=$(date +%s)
  CURRENT_STAGE=$name
  log "== stage: $name"
  if [[ $- == *e* ]]; then
    "$@"
  else
    "$@"
    rc=$?
  fi
  local took=$(( $(date +%s) - start ))
  log "== stage: $name finished in ${took}s (rc=$rc)"
  if [ -n "$STAGE_REPORT" ]; then
    printf '%-28s %6ss  rc=%s\n' "$name" "$took" "$rc" >>"$STAGE_REPORT"
  fi
  CURRENT_STAGE=
  return $rc
}

report_failed_stage() {
  local rc=$?
  if [ $rc -ne 0 ] && [ -n "$CURRENT_STAGE" ]; then
    log "== stage: $CURRENT_STAGE FAILED (rc=$rc)"
  fi
}
