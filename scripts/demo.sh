#!/usr/bin/env bash
# The main job on the built-in demo fleet: the example inventory's three hosts
# (inventories/example: a laptop and a home server on OpenClaw 2026.9.6, a VPS
# on 2026.6.5) played by containers running the real OpenClaw, each left
# unsafe the way the guide's "before" looks. Then: audit (report), harden,
# check for drift, review the devices, test a restore, audit again (gate).
# Reports land in ./reports/ (the fleet report: reports/after/fleet.html).
#   KEEP=1 scripts/demo.sh   leaves the containers running afterwards
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
trap report_failed_stage EXIT

# Set-up stages are timed by the caller when there is one.
STAGE_REPORT='' "$REPO_ROOT/scripts/bootstrap.sh"
use_checkout
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
# One process per task instead of a copy and an exec: about a third off each run.
export ANSIBLE_PIPELINING=true
export CLAWFLEET_REPORT_DIR="$REPO_ROOT/reports"
# The example inventory, with the containers as its hosts; its vault password
# file is a test-only one, committed for this demo (see inventories/example/README.md).
inventory=(-i "$REPO_ROOT/inventories/example" -i "$REPO_ROOT/inventories/demo")
export ANSIBLE_VAULT_PASSWORD_FILE="$REPO_ROOT/inventories/example/vault-password.test-only"
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
  ansible-playbook "${inventory[@]}" molecule/resources/prepare_fleet.yml
}

stop_fleet() {
  local name
  for name in laptop homeserver vps; do
    docker rm -f "clawfleet-demo-$name" >/dev/null 2>&1 || true
  done
}

# After hardening, check mode must report no drift on any host; the drift
# report callback prints the per-host table and writes reports/drift.json.
drift_check() {
  ANSIBLE_CALLBACKS_ENABLED=clawfleet.openclaw.drift_report CLAWFLEET_DRIFT_JSON="$CLAWFLEET_REPORT_DIR/drift.json" \
    ansible-playbook "${inventory[@]}" playbooks/harden.yml --check --diff
  python3 - "$CLAWFLEET_REPORT_DIR/drift.json" <<'PY'
import json, sys
hosts = json.load(open(sys.argv[1]))['hosts']
drifted = sorted(host for host, report in hosts.items() if report['drifted'])
if drifted or len(hosts) != 3:
    sys.exit('drift right after hardening on: %s (hosts reported: %s)' % (', '.join(drifted), ', '.join(sorted(hosts))))
PY
}

rm -rf "$CLAWFLEET_REPORT_DIR"
stage demo-fleet start_fleet
stage audit-before ansible-playbook "${inventory[@]}" playbooks/audit.yml -e openclaw_audit_label=before
stage harden ansible-playbook "${inventory[@]}" playbooks/harden.yml
stage drift-check drift_check
# The guide's monthly and quarterly duties, so the fleet report has their evidence.
stage devices-review ansible-playbook "${inventory[@]}" playbooks/devices_review.yml
stage restore-test ansible-playbook "${inventory[@]}" playbooks/backup_restore_test.yml
stage audit-after ansible-playbook "${inventory[@]}" playbooks/audit.yml \
  -e openclaw_audit_label=after -e openclaw_audit_mode=gate
python3 "$REPO_ROOT/scripts/report_summary.py" "$CLAWFLEET_REPORT_DIR"
if [ "${KEEP:-0}" != 1 ]; then
  stop_fleet
fi
