#!/bin/sh
# Installs OpenClaw's official channel plugins, pinned to the OpenClaw version,
# as the OpenClaw user, and checks that each one loads from the pinned spec.
#   install-channel-plugins.sh VERSION [NAME...]
# The install records live in the state database (~/.openclaw/state), not in
# openclaw.json, so a test that replaces openclaw.json keeps them.
set -eu
version=$1
shift
[ $# -gt 0 ] || exit 0

home=/home/openclaw
# A throwaway config file: the records that `plugins install` writes into the
# config (plugins.entries.*) must not become the image's openclaw.json, and the
# config health record it leaves is keyed by this path, not the real one.
# OPENCLAW_STATE_DIR keeps the plugins in the state folder: without it the
# CLI puts them next to the config file.
work=$(runuser -u openclaw -- mktemp -d /tmp/plugin-install.XXXXXX)
as_openclaw() {
  runuser -u openclaw -- env HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin \
    OPENCLAW_STATE_DIR="$home/.openclaw" OPENCLAW_CONFIG_PATH="$work/openclaw.json" \
    NODE_EXTRA_CA_CERTS=/tmp/build-ca.crt npm_config_cafile=/tmp/build-ca.crt \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
    "$@"
}

for name in "$@"; do
  as_openclaw openclaw plugins install "@openclaw/$name@$version"
done

as_openclaw openclaw plugins list --json >"$work/list.json"
as_openclaw node -e '
  const [file, version, ...names] = process.argv.slice(1);
  const plugins = JSON.parse(require("fs").readFileSync(file, "utf8")).plugins;
  const bad = names.filter((name) => {
    const p = plugins.find((q) => q.id === name);
    return !p || p.version !== version || p.status !== "loaded"
      || !p.trust || p.trust.installSpec !== `@openclaw/${name}@${version}`;
  });
  if (bad.length) { console.error(`not installed pinned at ${version}: ${bad.join(" ")}`); process.exit(1); }
' "$work/list.json" "$version" "$@"
for name in "$@"; do
  ls -d "$home/.openclaw/npm/projects/openclaw-$name-"*/node_modules/@openclaw/"$name" >/dev/null
done

# npm's download cache and the CLI's logs are not needed at run time.
rm -rf "$work" "$home/.npm" "$home/.cache" "$home/.openclaw/tmp" /tmp/openclaw /tmp/openclaw-state-locks-*
chmod 0700 "$home/.openclaw"
