#!/usr/bin/env bash
# The benchmark in one command, on a fresh Debian machine as root: set-up
# (scripts/bootstrap.sh: Docker, the venv, the OpenClaw test image), then
# bench/bench.py. Outside CI; it takes about half an hour on 2 cores.
#   bench/run.sh                 fleets of 1, 4 and 8 hosts
#   bench/run.sh --hosts 1,2     other sizes
set -euo pipefail
# shellcheck source=scripts/lib.sh disable=SC1091
. "$(dirname "$0")/../scripts/lib.sh"
STAGE_REPORT='' "$REPO_ROOT/scripts/bootstrap.sh"
use_checkout
exec python "$REPO_ROOT/bench/bench.py" --image "$(test_image_tag 2026.9.6)" "$@"
