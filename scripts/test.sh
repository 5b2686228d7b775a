#!/usr/bin/env bash
# Every test of the project, on a fresh Debian machine (as root): set-up, unit
# and integration tests, lint, ansible-test sanity, the collection build, and
# every Molecule scenario against containers running the real OpenClaw.
# Prints the time each stage took; exits non-zero if any stage failed.
#   scripts/test.sh                 everything
#   SCENARIOS="gateway" scripts/test.sh   only these Molecule scenarios (and no demo)
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

STAGE_REPORT=$(mktemp)
export STAGE_REPORT
started=$(date +%s)
failed=()

run_stage() {
  local name=$1
  shift
  stage "$name" "$@" || failed+=("$name")
}

stage bootstrap "$REPO_ROOT/scripts/bootstrap.sh" || {
  echo "set-up failed; nothing else can run" >&2
  cat "$STAGE_REPORT"
  exit 1
}

# The collection is used from this checkout, under the name Ansible expects.
use_checkout
CLAWFLEET_IMAGE_CURRENT=$(test_image_tag 2026.9.6)
CLAWFLEET_IMAGE_LEGACY=$(test_image_tag 2026.6.5)
CLAWFLEET_IMAGE_BASE=$BASE_IMAGE
CLAWFLEET_NPM_MIRROR=$(npm_mirror_dir)
export CLAWFLEET_IMAGE_CURRENT CLAWFLEET_IMAGE_LEGACY CLAWFLEET_IMAGE_BASE CLAWFLEET_NPM_MIRROR
cd "$REPO_ROOT" || exit 1

pytest_stage() {
  # Exit code 5 means no test ran: that is a failure here, never a pass.
  # loadgroup keeps each module's bad-input cases (one ansible-playbook run,
  # tests/integration/helpers.py: Refusals) on one worker, so the run is made once.
  python -m pytest -n 2 --dist loadgroup -q "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
  fi
  return $rc
}

lint_stage() { ansible-lint --profile production --offline; }

# Every module, filter, callback and role of the installed collection renders
# with ansible-doc, and without a single warning.
docs_render() {
  local type err names=()
  for type in module filter callback role; do
    mapfile -t names < <(ansible-doc -t "$type" -l clawfleet.openclaw | awk '{print $1}' | sort -u)
    if [ "${#names[@]}" -eq 0 ]; then
      echo "ansible-doc lists no $type of clawfleet.openclaw" >&2
      return 1
    fi
    if ! err=$(ansible-doc -t "$type" "${names[@]}" 2>&1 >/dev/null) || [ -n "$err" ]; then
      echo "ansible-doc on the collection's ${type}s (${names[*]}): ${err:-failed}" >&2
      return 1
    fi
    echo "ansible-doc renders ${#names[@]} ${type}(s) without warnings"
  done
}

# The execution environment: ansible-builder reads no Python or system
# dependency from the installed collection (meta/execution-environment.yml),
# creates the build context of docs/execution-environment/ without pulling
# anything, and the context's galaxy step installs the collection offline.
ee_check() {
  local out=$1 deps
  deps=$(ansible-builder introspect --sanitize "$out/installed") || return 1
  if ! grep -qx 'python: \[\]' <<<"$deps" || ! grep -qx 'system: \[\]' <<<"$deps"; then
    echo "ansible-builder finds controller dependencies in the collection; meta/execution-environment.yml should list none:" >&2
    echo "$deps" >&2
    return 1
  fi
  mkdir "$out/ee"
  cp "$REPO_ROOT"/docs/execution-environment/*.yml "$out"/clawfleet-openclaw-*.tar.gz "$out/ee/"
  ansible-builder create -f "$out/ee/execution-environment.yml" -c "$out/ee/context" >/dev/null || return 1
  # The same command the context's galaxy stage runs, from the same folder.
  (cd "$out/ee/context/_build" \
    && ANSIBLE_COLLECTIONS_PATH="$out/ee/galaxy" ansible-galaxy collection install --offline -r requirements.yml \
      -p "$out/ee/galaxy" >/dev/null) || {
    echo "the execution environment's galaxy step cannot install the collection: does docs/execution-environment/requirements.yml name the version in galaxy.yml?" >&2
    return 1
  }
  test -f "$out/ee/galaxy/ansible_collections/clawfleet/openclaw/meta/execution-environment.yml"
  echo "ansible-builder: no controller dependencies, the build context installs the collection"
}

build_stage() {
  local out
  out=$(mktemp -d)
  # Built and installed exactly as a user would, then used from the install only.
  (
    export ANSIBLE_COLLECTIONS_PATH="$out/installed"
    ansible-galaxy collection build --output-path "$out" --force "$REPO_ROOT" \
      && ansible-galaxy collection install --offline --force -p "$out/installed" "$out"/clawfleet-openclaw-*.tar.gz \
      && docs_render \
      && ee_check "$out" \
      && ansible-playbook --syntax-check -i localhost, clawfleet.openclaw.harden >/dev/null
  )
  local rc=$?
  rm -rf "$out"
  return $rc
}

molecule_stage() {
  local scenario=$1
  # Removing a container that holds a whole OpenClaw install took longer than
  # the Docker API client's default 60 s on a slow machine (measured in the
  # install scenario's destroy); the docker modules read DOCKER_TIMEOUT.
  DOCKER_TIMEOUT=${DOCKER_TIMEOUT:-300} molecule test -s "$scenario"
}

run_stage unit-tests pytest_stage
run_stage ansible-lint lint_stage
run_stage sanity "$REPO_ROOT/scripts/sanity.sh"
run_stage collection-build build_stage
all_scenarios() {
  find "$REPO_ROOT/molecule" -mindepth 2 -maxdepth 2 -name molecule.yml -printf '%h\n' | xargs -n1 basename | sort
}
for scenario in ${SCENARIOS:-$(all_scenarios)}; do
  run_stage "molecule-$scenario" molecule_stage "$scenario"
done
# The README's first command, end to end, with its checks: the fleet test of
# harden.yml (drift before and none after, no change on the second run, gate
# audit, a hand edit named by the drift report, tests/demo on the hosts).
if [ -z "${SCENARIOS:-}" ]; then
  run_stage demo env VERIFY=1 "$REPO_ROOT/scripts/demo.sh"
fi

echo
echo "Stage times:"
cat "$STAGE_REPORT"
echo "total $(( $(date +%s) - started ))s"
rm -f "$STAGE_REPORT"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all stages passed"
