#!/usr/bin/env bash
# The main job on the built-in demo fleet: the example inventory's three hosts
# (inventories/example: a laptop and a home server on OpenClaw 2026.9.6, a VPS
# on 2026.6.5) played by containers running the real OpenClaw, each left
# unsafe the way the guide's "before" looks. Then: show the drift check mode
# finds (and that it changed nothing), audit (report), harden, run again
# (nothing changes), check for drift, review the devices, test a restore,
# audit again (gate).
# Reports land in ./reports/ (the fleet report: reports/after/fleet.html).
#   KEEP=1 scripts/demo.sh     leaves the containers running afterwards
#   VERIFY=1 scripts/demo.sh   then also edits one host by hand, checks that
#                              the drift report names exactly that, and runs
#                              tests/demo against the hosts and reports
#                              (what scripts/test.sh runs)
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

# harden.yml with the drift report callback writing reports/<file>; the rest
# of the arguments go to ansible-playbook. Outside check mode the report lists
# what the run changed.
harden_reported() {
  local report=$1
  shift
  ANSIBLE_CALLBACKS_ENABLED=clawfleet.openclaw.drift_report CLAWFLEET_DRIFT_CHECK_MODE_ONLY=false \
    CLAWFLEET_DRIFT_JSON="$CLAWFLEET_REPORT_DIR/$report" \
    ansible-playbook "${inventory[@]}" playbooks/harden.yml "$@"
}

# The hosts reports/<file> says drifted (or changed) are exactly the ones named.
expect_drifted() {
  python3 - "$CLAWFLEET_REPORT_DIR/$1" "${@:2}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))['hosts']
expected = sorted(sys.argv[2:])
drifted = sorted(host for host, entry in report.items() if entry['drifted'])
if sorted(report) != ['homeserver', 'laptop', 'vps'] or drifted != expected:
    sys.exit('%s: drifted or changed %s, expected %s (hosts reported: %s)' % (
        sys.argv[1], drifted or 'none', expected or 'none', ', '.join(sorted(report))))
print('%s: drifted or changed: %s, as expected' % (sys.argv[1], ', '.join(drifted) or 'none'))
PY
}

# Before hardening, check mode shows what harden.yml would change on each
# (unsafe) host, and must leave every host exactly as it was.
drift_before() {
  harden_reported drift-before.json --check --diff
  expect_drifted drift-before.json homeserver laptop vps
  ansible-playbook "${inventory[@]}" molecule/resources/assert_unchanged.yml
}

# The second run changes nothing on any host.
second_run() {
  harden_reported second-run.json
  expect_drifted second-run.json
}

# After hardening, check mode must report no drift on any host.
drift_check() {
  harden_reported drift.json --check --diff
  expect_drifted drift.json
}

# Someone edits the laptop by hand: the next check run names that host and
# those settings only (tests/demo reads the report). The device step sits this
# check out: the audit's deep probe leaves a pairing request from the CLI on a
# 2026.9 host, which the step would reject, on whichever hosts it was filed.
hand_edit_drift() {
  ansible-playbook "${inventory[@]}" tests/demo/edit_by_hand.yml
  harden_reported drift-hand-edit.json --check --diff -e openclaw_devices_enforce=false
  expect_drifted drift-hand-edit.json laptop
}

verify_fleet() {
  python -m pytest -q -p no:cacheprovider tests/demo \
    --hosts=docker://clawfleet-demo-laptop,docker://clawfleet-demo-homeserver,docker://clawfleet-demo-vps
}

rm -rf "$CLAWFLEET_REPORT_DIR"
stage demo-fleet start_fleet
stage drift-before drift_before
stage audit-before ansible-playbook "${inventory[@]}" playbooks/audit.yml -e openclaw_audit_label=before
stage harden ansible-playbook "${inventory[@]}" playbooks/harden.yml
stage second-run second_run
stage drift-check drift_check
# The guide's monthly and quarterly duties, so the fleet report has their evidence.
stage devices-review ansible-playbook "${inventory[@]}" playbooks/devices_review.yml
stage restore-test ansible-playbook "${inventory[@]}" playbooks/backup_restore_test.yml
stage audit-after ansible-playbook "${inventory[@]}" playbooks/audit.yml \
  -e openclaw_audit_label=after -e openclaw_audit_mode=gate
python3 "$REPO_ROOT/scripts/report_summary.py" "$CLAWFLEET_REPORT_DIR"
if [ "${VERIFY:-0}" = 1 ]; then
  stage hand-edit-drift hand_edit_drift
  stage verify verify_fleet
fi
if [ "${KEEP:-0}" != 1 ]; then
  stop_fleet
fi
