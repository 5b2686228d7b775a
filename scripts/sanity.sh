#!/usr/bin/env bash
# ansible-test sanity on the collection, offline-capable: ansible-test wants the
# collection at ansible_collections/clawfleet/openclaw and downloads a pip
# bootstrap script from a host these machines cannot reach; a stand-in that
# runs pip from the pip 24.2 wheel (taken from PyPI) takes its place.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
VENV=$(venv_dir)
export PATH="$VENV/bin:$PATH"

wheel_dir="$CLAWFLEET_CACHE/pip-24.2"
if ! ls "$wheel_dir"/pip-24.2-*.whl >/dev/null 2>&1; then
  mkdir -p "$wheel_dir"
  pip download -q --no-deps -d "$wheel_dir" pip==24.2 2>&1 | grep -v "is ignored: it is neither" >&2 || true
fi
wheel=$(ls "$wheel_dir"/pip-24.2-*.whl)

cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cat >"$cache/get_pip_24_2.py" <<EOF
# Stand-in for get-pip.py 24.2: installs pip from the local wheel.
import runpy
import sys

sys.path.insert(0, "$wheel")
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.argv = ["pip", "install"] + args
runpy.run_module("pip", run_name="__main__", alter_sys=True)
EOF

# A copy of what git would ship (tracked plus new, not ignored), so leftovers
# such as tests/output or venvs never reach the scan.
tree="$CLAWFLEET_CACHE/sanity/ansible_collections/clawfleet/openclaw"
rm -rf "$tree"
mkdir -p "$tree"
(cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$tree")
cd "$tree"
ansible-test sanity --local --python 3.11 --color no "$@"
