#!/usr/bin/env bash
# The main job on the built-in demo fleet: three containers running the real
# OpenClaw (a laptop and a home server on 2026.9.6, a VPS on 2026.6.5), each
# left unsafe the way the guide's "before" looks. Then: audit (report),
# harden, check for drift, audit again (gate). Reports land in ./reports/.
#   KEEP=1 scripts/demo.sh   leaves the containers running afterwards
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
trap report_failed_stage EXIT

# Set-up stages are timed by the caller when there is one.
STAGE_REPORT='' "$REPO_ROOT/scripts/bootstrap.sh"
venv=$(venv_dir)
export PATH="$venv/bin:$PATH"
collections="$REPO_ROOT/.cache/collections"
mkdir -p "$collections/ansible_collections/clawfleet"
ln -sfn "$REPO_ROOT" "$collections/ansible_collections/clawfleet/openclaw"
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
# One process per task instead of a copy and an exec: about a third off each run.
export ANSIBLE_PIPELINING=true
export CLAWFLEET_REPORT_DIR="$REPO_ROOT/reports"
inventory="$REPO_ROOT/inventories/demo"
cd "$REPO_ROOT"

start_host() {
  local name=$1 image=$2
  docker rm -f "clawfleet-demo-$name" >/dev/null 2>&1 || true
  docker run -d --name "clawfleet-demo-$name" --hostname "$name" \
    --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    --network none "$image" >/dev/null
}

start_fleet() {
  start_host laptop "$(test_image_tag 2026.9.6)"
  start_host homeserver "$(test_image_tag 2026.9.6)"
  start_host vps "$(test_image_tag 2026.6.5)"
  ansible-playbook -i "$inventory" molecule/resources/prepare_unsafe_host.yml
}

stop_fleet() {
  local name
  for name in laptop homeserver vps; do
    docker rm -f "clawfleet-demo-$name" >/dev/null 2>&1 || true
  done
}

# After hardening, check mode must report no drift on any host.
drift_check() {
  local out
  out=$(mktemp)
  ansible-playbook -i "$inventory" playbooks/harden.yml --check --diff | tee "$out"
  if grep -E '^demo-[a-z]+ +: .*changed=[1-9]' "$out"; then
    echo "drift reported right after hardening" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}

rm -rf "$CLAWFLEET_REPORT_DIR"
stage demo-fleet start_fleet
stage audit-before ansible-playbook -i "$inventory" playbooks/audit.yml -e openclaw_audit_label=before
stage harden ansible-playbook -i "$inventory" playbooks/harden.yml
stage drift-check drift_check
stage audit-after ansible-playbook -i "$inventory" playbooks/audit.yml \
  -e openclaw_audit_label=after -e openclaw_audit_mode=gate
python3 "$REPO_ROOT/scripts/report_summary.py" "$CLAWFLEET_REPORT_DIR"
if [ "${KEEP:-0}" != 1 ]; then
  stop_fleet
fi
