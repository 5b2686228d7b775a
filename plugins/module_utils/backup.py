# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups of an OpenClaw host (guide section 10): what is backed up, archives, retention, restore tests.

Pure Python and the standard library only: the ``openclaw_backup`` module
imports it, and the ``backups`` role installs this same file on the host as
the program its systemd timer or cron entry runs (``python3 backup.py run
...``), so a scheduled backup is the very backup the role tested by hand.

Two ways to make an archive:

- ``cli``: ``openclaw backup create --output <dir> --verify --json`` where the
  host's OpenClaw has it (2026.6.5 and newer, measured); OpenClaw's own
  archive of the whole state folder, workspaces and agent roots. Verified
  with ``openclaw backup verify --json``; restored with ``openclaw backup
  restore --target`` where the version has it (2026.9.6; 2026.6.5 has only
  create and verify), else extracted here.
- ``archive``: a tar.gz of the paths the guide lists, written here
  atomically, in the same layout as OpenClaw's (``<root>/manifest.json``,
  ``<root>/payload/posix/<absolute path>``) plus a SHA-256 of every file in
  the manifest. Machine-local pairing identity (``identity/``, ``devices/``,
  ``nodes/``) is left out, so restoring it onto another host cannot clone
  this host's device identity or its paired devices.

A restore test extracts into a staging folder outside the live state and
compares it file by file with the live state: every difference is either
expected (with the reason) or unexpected.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import errno
import fnmatch
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib

ARCHIVE_SUFFIX = '-openclaw-backup.tar.gz'
MANIFEST = 'manifest.json'
PAYLOAD = 'payload/posix'
CREATED_BY = 'clawfleet.openclaw'

# What the guide's section 10 backs up, relative to the state folder:
# openclaw.json, the workspace(s) (their memory/ included), memory, the auth
# and profile state that cannot be recreated (channel credentials, each
# agent's auth store) and locally written skills. Secret files and the
# Gateway's environment file are kept too: without them the restored config's
# SecretRefs resolve to nothing.
GUIDE_PATHS = ('openclaw.json', 'workspace', 'workspace-*', 'memory', 'credentials', 'agents/*/agent',
               'skills', 'secrets', 'gateway.env')
# Machine-local pairing identity: this host's device key pair and device
# token, the devices paired with its Gateway and the node records (2026.6
# keeps them as files; 2026.9 keeps them in state/openclaw.sqlite).
IDENTITY_PATHS = ('identity', 'devices', 'nodes')
# Inside the included folders: what OpenClaw fetches or rebuilds by itself.
LEFT_OUT_NAMES = ('node_modules', '.git')

# Versions of OpenClaw whose CLI has each backup command (measured: 2026.6.5
# has create and verify, 2026.9.6 also restore). Older or unknown versions
# use this file's archive, check and extraction.
CLI_SINCE = {'create': (2026, 6, 5), 'verify': (2026, 6, 5), 'restore': (2026, 9, 6)}

KINDS = ('only_live', 'only_backup', 'content', 'mode', 'type', 'link', 'database')

# The differences a restore test expects, each with its reason. ``path`` is a
# shell pattern on the path relative to the state folder (folders end in
# "/", the state folder itself is "./"); ``kinds`` limits the rule to those
# kinds of difference; ``changed_since_backup`` limits it to live entries
# changed after the archive was made (for ``only_backup``: whose live parent
# folder changed since). The backups role keeps its copy of this list in
# vars/main.yml (openclaw_backups_expected_differences).
DEFAULT_EXPECTED = (
    {'path': '*.sqlite', 'kinds': ['content'],
     'reason': 'database: the archive holds a consistent snapshot, not the bytes of the live file, which '
               'OpenClaw writes all the time; the restored copy passed its integrity check'},
    {'path': '*.sqlite-*', 'kinds': ['only_live', 'only_backup'],
     'reason': 'database journal: the snapshot folds the write-ahead log into the database'},
    {'path': '*/', 'kinds': ['mode'],
     'reason': 'restored folders come back 0755 (OpenClaw records and restores folders so); make the state '
               'folder 0700 again when activating a restore'},
    {'path': 'logs/*', 'kinds': ['only_live', 'only_backup', 'content', 'mode'],
     'reason': 'logs are volatile: OpenClaw leaves the active log file out of its archive'},
    {'path': 'tmp/', 'kinds': ['only_live'], 'reason': 'temporary files, regenerable: not archived'},
    {'path': 'cache/*', 'kinds': ['only_live'], 'reason': 'caches, regenerable: not archived'},
    {'path': 'npm/', 'kinds': ['only_live'],
     'reason': 'installed plugin packages: not archived, reinstalled with `openclaw plugins install`'},
    {'path': '*/node_modules/', 'kinds': ['only_live'],
     'reason': 'installed packages: not archived, reinstalled with `openclaw plugins install`'},
    {'path': 'plugin-skills/', 'kinds': ['only_live'],
     'reason': 'generated plugin-skills links: not archived, rebuilt by `openclaw skills list`'},
    {'path': '*.update-captures/', 'kinds': ['only_live'], 'reason': 'update captures: not archived'},
    {'path': 'identity/', 'kinds': ['only_live'],
     'reason': 'machine-local device identity: left out, never restored onto another host'},
    {'path': 'devices/', 'kinds': ['only_live'],
     'reason': "devices paired with this host's Gateway: left out, never restored onto another host"},
    {'path': 'nodes/', 'kinds': ['only_live'],
     'reason': 'paired node records of this host: left out, never restored onto another host'},
    {'path': '*', 'kinds': ['only_live', 'only_backup', 'content', 'mode', 'type', 'link'],
     'changed_since_backup': True,
     'reason': 'written since the backup was made (the live state moves on)'},
)

CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup step failed; ``str()`` says what to do."""


# --------------------------------------------------------------------------
# Versions, names, retention
# --------------------------------------------------------------------------

def parse_version(text):
    """``'2026.9.6'`` -> ``(2026, 9, 6)``; None when it is not a version."""
    match = re.match(r'^[vV]?(\d+)\.(\d+)(?:\.(\d+))?', str(text or '').strip())
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def cli_has(version, command):
    """Whether OpenClaw ``version`` has ``openclaw backup <command>``."""
    parsed = parse_version(version)
    return parsed is not None and parsed >= CLI_SINCE[command]


def archive_name(now=None):
    """An archive name in OpenClaw's form, in UTC: ``2026-11-30T10-48-23.643+00-00-openclaw-backup.tar.gz``."""
    now = time.time() if now is None else now
    millis = int(round((now - int(now)) * 1000)) % 1000
    return time.strftime('%Y-%m-%dT%H-%M-%S', time.gmtime(int(now))) + '.%03d+00-00' % millis + ARCHIVE_SUFFIX


def iso_utc(now):
    millis = int(round((now - int(now)) * 1000)) % 1000
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(int(now))) + '.%03dZ' % millis


def parse_iso(text):
    """Epoch seconds of an ISO time such as ``2026-11-30T10:48:23.643Z`` or ``...+01:00``; None if unreadable."""
    match = re.match(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$',
                     str(text or '').strip())
    if not match:
        return None
    parts = [int(match.group(i)) for i in range(1, 7)]
    seconds = calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], 0, 0, 0))
    seconds += float(match.group(7) or 0)
    zone = match.group(8)
    if zone and zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds


def list_archives(backup_dir):
    """The archives in ``backup_dir``, newest first: ``[{path, mtime, size, mode}]``.

    Only regular files named ``*-openclaw-backup.tar.gz`` count (never a link,
    never a partial write); newest means last modified, then the name.
    """
    found = []
    try:
        names = os.listdir(backup_dir)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return []
        raise
    for name in names:
        if not name.endswith(ARCHIVE_SUFFIX) or name.startswith('.'):
            continue
        path = os.path.join(backup_dir, name)
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            continue
        found.append({'path': path, 'mtime': info.st_mtime, 'size': info.st_size,
                      'mode': '%04o' % stat.S_IMODE(info.st_mode)})
    found.sort(key=lambda item: (item['mtime'], os.path.basename(item['path'])), reverse=True)
    return found


def select_prune(archives, keep):
    """Split archives (newest first) into the ``keep`` newest and the rest, to delete."""
    if keep < 1:
        raise BackupError('keep must be 1 or more: retention never deletes the newest archive.')
    return archives[:keep], archives[keep:]


def inside(path, root):
    path = os.path.normpath(path)
    root = os.path.normpath(root)
    return path == root or path.startswith(root.rstrip('/') + '/')


def check_outside_state(path, state_dir, what):
    """Refuse a backup or staging folder inside the state folder (real paths, links resolved)."""
    real = os.path.realpath(path)
    state = os.path.realpath(state_dir)
    if inside(real, state) or inside(state, real):
        raise BackupError('%s %s is inside the OpenClaw state folder %s (or holds it): a backup there would '
                          'back itself up and be lost with the state. Choose a folder outside it, such as '
                          '~/backups/openclaw.' % (what, path, state_dir))


# --------------------------------------------------------------------------
# The guide's paths, and this file's own archive
# --------------------------------------------------------------------------

def _match_any(rel, patterns):
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in patterns)


def guide_paths(state_dir, include_workspace=True):
    """The guide's paths that exist in ``state_dir``, relative to it, sorted; links are not followed."""
    found = set()
    for pattern in GUIDE_PATHS:
        if not include_workspace and pattern.startswith('workspace'):
            continue
        parts = pattern.split('/')
        current = ['']
        for part in parts:
            following = []
            for rel in current:
                folder = os.path.join(state_dir, rel) if rel else state_dir
                try:
                    names = sorted(os.listdir(folder)) if any(c in part for c in '*?[') else [part]
                except OSError:
                    continue
                for name in names:
                    if not fnmatch.fnmatchcase(name, part):
                        continue
                    child = os.path.join(rel, name) if rel else name
                    if os.path.lexists(os.path.join(state_dir, child)):
                        following.append(child)
            current = following
        found.update(current)
    return sorted(rel for rel in found if rel.split('/')[0] not in IDENTITY_PATHS)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(CHUNK), b''):
            digest.update(block)
    return digest.hexdigest()


def _walk_paths(state_dir, rels):
    """Every entry under the included paths: ``(rel, lstat)``, folders before their content, links not followed."""
    for top in rels:
        path = os.path.join(state_dir, top)
        info = os.lstat(path)
        yield top, info
        if not stat.S_ISDIR(info.st_mode):
            continue
        for folder, dirs, files in os.walk(path, followlinks=False):
            dirs[:] = sorted(name for name in dirs if name not in LEFT_OUT_NAMES)
            for name in dirs + sorted(files):
                child = os.path.join(folder, name)
                yield os.path.relpath(child, state_dir), os.lstat(child)


def create_archive(state_dir, backup_dir, version=None, include_workspace=True, now=None):
    """Write an archive of the guide's paths into ``backup_dir``; returns its summary.

    Written to a hidden temporary file (0600) in ``backup_dir``, flushed and
    renamed into place, so no reader ever sees half an archive. Machine-local
    identity is left out and named in the manifest's ``skipped``.
    """
    now = time.time() if now is None else now
    state_dir = os.path.realpath(state_dir)
    if not os.path.isdir(state_dir):
        raise BackupError('The OpenClaw state folder %s does not exist: nothing to back up.' % state_dir)
    check_outside_state(backup_dir, state_dir, 'The backup folder')
    name = archive_name(now)
    root = name[:-len('.tar.gz')]
    rels = guide_paths(state_dir, include_workspace)
    if 'openclaw.json' not in rels:
        raise BackupError('%s has no openclaw.json: not an OpenClaw state folder, or OpenClaw was never set up '
                          'there. Check openclaw_state_dir.' % state_dir)
    prefix = root + '/' + PAYLOAD + state_dir
    files = {}
    seen = set()
    skipped = [{'kind': 'identity', 'sourcePath': os.path.join(state_dir, rel),
                'reason': 'machine-local pairing identity'}
               for rel in IDENTITY_PATHS if os.path.lexists(os.path.join(state_dir, rel))]
    handle, temp = tempfile.mkstemp(prefix='.' + name + '.', suffix='.partial', dir=backup_dir)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, 'wb') as raw:
            with tarfile.open(fileobj=raw, mode='w:gz', format=tarfile.PAX_FORMAT) as tar:
                top = tarfile.TarInfo(prefix)
                top.type = tarfile.DIRTYPE
                top.mode = stat.S_IMODE(os.lstat(state_dir).st_mode)
                top.mtime = int(os.lstat(state_dir).st_mtime)
                tar.addfile(top)
                count = 1
                # The folders above an included path (agents/<id>/ above agents/<id>/agent), so a
                # restore gets their modes too.
                parents = sorted(set(os.path.dirname(rel) for rel in rels if '/' in rel))
                for parent in parents:
                    steps = parent.split('/')
                    for depth in range(1, len(steps) + 1):
                        rel = '/'.join(steps[:depth])
                        if prefix + '/' + rel in seen:
                            continue
                        seen.add(prefix + '/' + rel)
                        info = os.lstat(os.path.join(state_dir, rel))
                        entry = tarfile.TarInfo(prefix + '/' + rel)
                        entry.type = tarfile.DIRTYPE
                        entry.mode = stat.S_IMODE(info.st_mode)
                        entry.mtime = int(info.st_mtime)
                        tar.addfile(entry)
                        count += 1
                for rel, info in _walk_paths(state_dir, rels):
                    if rel.split('/')[0] in IDENTITY_PATHS:
                        continue
                    source = os.path.join(state_dir, rel)
                    member = prefix + '/' + rel
                    entry = tarfile.TarInfo(member)
                    entry.mode = stat.S_IMODE(info.st_mode)
                    entry.mtime = int(info.st_mtime)
                    if stat.S_ISDIR(info.st_mode):
                        entry.type = tarfile.DIRTYPE
                        tar.addfile(entry)
                    elif stat.S_ISLNK(info.st_mode):
                        entry.type = tarfile.SYMTYPE
                        entry.linkname = os.readlink(source)
                        tar.addfile(entry)
                    elif stat.S_ISREG(info.st_mode):
                        with open(source, 'rb') as stream:
                            reader = _HashingReader(stream)
                            entry.size = os.fstat(stream.fileno()).st_size
                            tar.addfile(entry, reader)
                        files[member] = reader.digest.hexdigest()
                    else:
                        continue
                    count += 1
                manifest = {
                    'schemaVersion': 1,
                    'createdAt': iso_utc(now),
                    'archiveRoot': root,
                    'runtimeVersion': version,
                    'platform': sys.platform,
                    'createdBy': CREATED_BY,
                    'options': {'includeWorkspace': bool(include_workspace), 'onlyConfig': False},
                    'paths': {'stateDir': state_dir, 'configPath': os.path.join(state_dir, 'openclaw.json'),
                              'included': rels},
                    'assets': [{'kind': 'state', 'sourcePath': state_dir, 'archivePath': prefix}],
                    'skipped': skipped,
                    'files': files,
                }
                body = (json.dumps(manifest, indent=2, sort_keys=True) + '\n').encode('utf-8')
                entry = tarfile.TarInfo(root + '/' + MANIFEST)
                entry.size = len(body)
                entry.mode = 0o600
                entry.mtime = int(now)
                tar.addfile(entry, io.BytesIO(body))
            raw.flush()
            os.fsync(raw.fileno())
        target = os.path.join(backup_dir, name)
        if os.path.lexists(target):
            raise BackupError('%s exists already; archives are never overwritten.' % target)
        os.rename(temp, target)
        temp = None
        _fsync_dir(backup_dir)
    finally:
        if temp and os.path.exists(temp):
            os.unlink(temp)
    return {'archivePath': target, 'archiveRoot': root, 'createdAt': manifest['createdAt'], 'entryCount': count + 1,
            'included': rels, 'skipped': skipped}


class _HashingReader(object):
    """A file read once: into the archive and into its SHA-256 at the same time."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        block = self.stream.read(size)
        self.digest.update(block)
        return block


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# Checking an archive without the CLI, and extracting it safely
# --------------------------------------------------------------------------

def _unsafe_name(name):
    if name.startswith('/') or '\\' in name:
        return 'an absolute path'
    if '..' in name.split('/'):
        return 'a ".." step'
    return None


def _link_escapes(member_name, link, root):
    if link.startswith('/'):
        return True
    resolved = os.path.normpath(os.path.join(os.path.dirname(member_name), link))
    return not (resolved == root or resolved.startswith(root + '/'))


def _read_members(stream, names, roots, manifests, errors, outside_links):
    """Read every member of the tar stream: names, SHA-256 of files, the manifest, unsafe entries.

    Symbolic links that lead outside the archive go to ``outside_links``
    (``{name: target}``): OpenClaw 2026.6 archives its generated
    ``plugin-skills/`` links into the install folder that way. They are not
    an error, but they are never extracted.
    """
    with tarfile.open(fileobj=stream, mode='r|') as tar:
        for member in tar:
            name = member.name.rstrip('/')
            roots.add(name.split('/')[0])
            problem = _unsafe_name(name)
            if problem:
                errors.append('%s: %s' % (member.name, problem))
                names[name] = None
                continue
            if member.islnk():
                errors.append('%s: a hard link to %s' % (name, member.linkname))
            elif member.issym():
                if _link_escapes(name, member.linkname, name.split('/')[0]):
                    outside_links[name] = member.linkname
            elif member.ischr() or member.isblk() or member.isfifo():
                errors.append('%s: a device or pipe' % name)
            digest = None
            if member.isfile():
                content = tar.extractfile(member)
                hasher = hashlib.sha256()
                data = io.BytesIO() if name.endswith('/' + MANIFEST) and name.count('/') == 1 else None
                for block in iter(lambda: content.read(CHUNK), b''):
                    hasher.update(block)
                    if data is not None:
                        data.write(block)
                digest = hasher.hexdigest()
                if data is not None:
                    manifests.append(data.getvalue())
            names[name] = digest


def check_archive(path):
    """Read the whole archive and check it; returns ``{ok, errors, manifest, entryCount, ...}``.

    Checks: the gzip stream and its CRC (read to the end), the tar headers,
    no absolute path or ``..`` step, no hard link or device file, exactly
    one ``<root>/manifest.json``, every asset of the manifest present and,
    for this file's own archives, every file's SHA-256. Symbolic links that
    lead outside the archive are listed in ``outsideLinks``.
    """
    errors = []
    manifests = []
    names = {}
    roots = set()
    outside_links = {}
    try:
        with open(path, 'rb') as raw, gzip.GzipFile(fileobj=raw, mode='rb') as stream:
            _read_members(stream, names, roots, manifests, errors, outside_links)
            # tarfile stops quietly at a header it cannot read; the gzip CRC
            # is only checked at the very end of the stream.
            while stream.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        text = str(exc) or exc.__class__.__name__
        if 'CRC' in text or 'crc' in text:
            text += ' (the compressed data is damaged)'
        return {'ok': False, 'errors': ['the archive cannot be read to its end: %s' % text], 'manifest': None,
                'entryCount': len(names), 'outsideLinks': outside_links}
    count = len(names)
    manifest = None
    if len(manifests) != 1:
        errors.append('expected exactly one manifest.json at the archive root, found %d' % len(manifests))
    else:
        try:
            manifest = json.loads(manifests[0].decode('utf-8'))
        except ValueError as exc:
            errors.append('manifest.json is not JSON: %s' % exc)
    if len(roots) != 1:
        errors.append('expected one folder at the archive root, found %s' % ', '.join(sorted(roots)) or 'none')
    if isinstance(manifest, dict):
        if manifest.get('schemaVersion') != 1:
            errors.append('manifest schemaVersion %r is not 1' % manifest.get('schemaVersion'))
        if manifest.get('archiveRoot') not in roots:
            errors.append('manifest archiveRoot %r is not the folder at the archive root' % manifest.get('archiveRoot'))
        for asset in manifest.get('assets') or []:
            where = str(asset.get('archivePath', '')).rstrip('/')
            if where not in names and not any(name.startswith(where + '/') for name in names):
                errors.append('manifest asset %s is missing from the archive' % where)
        for name, digest in sorted((manifest.get('files') or {}).items()):
            if name not in names:
                errors.append('%s is listed in the manifest but missing from the archive' % name)
            elif names[name] != digest:
                errors.append('%s does not match its SHA-256 in the manifest' % name)
    return {'ok': not errors, 'errors': errors, 'manifest': manifest, 'entryCount': count,
            'outsideLinks': outside_links, 'archiveRoot': (manifest or {}).get('archiveRoot'), 'createdAt': (manifest or {}).get('createdAt'),
            'runtimeVersion': (manifest or {}).get('runtimeVersion')}


def safe_extract(path, target):
    """Extract the archive into the empty folder ``target``, refusing anything that would leave it.

    Nothing is written outside ``target``: names are checked before
    anything is written, every folder is created here (never through a
    link), links that lead outside the archive are not created (see
    ``outsideLinks`` of the returned check), hard links and device files are
    refused, modes keep only the permission bits and owners are not restored.
    """
    if os.listdir(target):
        raise BackupError('The staging folder %s is not empty; restore tests need an empty folder.' % target)
    checked = check_archive(path)
    if not checked['ok']:
        raise BackupError('Archive %s failed its check, nothing was extracted: %s'
                          % (path, '; '.join(checked['errors'][:5])))
    real_target = os.path.realpath(target)
    folder_modes = []
    with tarfile.open(path, mode='r:gz') as tar:
        for member in tar:
            name = member.name.rstrip('/')
            if name in checked['outsideLinks']:
                continue
            destination = os.path.join(real_target, name)
            parent = os.path.dirname(destination)
            _make_folders(real_target, parent)
            if member.isdir():
                _make_folders(real_target, destination)
                folder_modes.append((destination, stat.S_IMODE(member.mode)))
            elif member.issym():
                os.symlink(member.linkname, destination)
            elif member.isfile():
                stream = tar.extractfile(member)
                fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), 0o600)
                with os.fdopen(fd, 'wb') as out:
                    shutil.copyfileobj(stream, out, CHUNK)
                os.chmod(destination, stat.S_IMODE(member.mode) & 0o777)
                os.utime(destination, (member.mtime, member.mtime))
    # Folder modes last, deepest first: a read-only folder would refuse its own content.
    for destination, mode in sorted(folder_modes, key=lambda item: -item[0].count('/')):
        os.chmod(destination, mode & 0o777)
    return checked


def _make_folders(root, folder):
    """Create ``folder`` and its parents below ``root``, refusing any step that is a link or not a folder."""
    rel = os.path.relpath(folder, root)
    if rel == '.':
        return
    current = root
    for part in rel.split('/'):
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except OSError:
            os.mkdir(current, 0o700)
            continue
        if not stat.S_ISDIR(info.st_mode):
            raise BackupError('The archive puts %s under %s, which is not a folder; nothing outside the staging '
                              'folder was touched.' % (folder, current))


# --------------------------------------------------------------------------
# Comparing a restored tree with the live state
# --------------------------------------------------------------------------

def scan_tree(root):
    """``{rel: entry}`` for every entry under ``root`` (the root itself is ``.``); links are not followed."""
    entries = {}
    if not os.path.lexists(root):
        return entries
    entries['.'] = _entry(root)
    if entries['.']['type'] != 'dir':
        return entries
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(folder, name)
            entries[os.path.relpath(path, root)] = _entry(path)
    return entries


def _entry(path):
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        kind = 'dir'
    elif stat.S_ISLNK(info.st_mode):
        kind = 'link'
    elif stat.S_ISREG(info.st_mode):
        kind = 'file'
    else:
        kind = 'other'
    return {'path': path, 'type': kind, 'mode': stat.S_IMODE(info.st_mode), 'size': info.st_size,
            'mtime': info.st_mtime, 'ctime': info.st_ctime}


def _display(rel, kind):
    if rel == '.':
        return './'
    return rel + '/' if kind == 'dir' else rel


def _same_content(one, other):
    if one['size'] != other['size']:
        return False
    return sha256_file(one['path']) == sha256_file(other['path'])


def sqlite_integrity(path):
    """``None`` when the database at ``path`` passes SQLite's integrity check, else the problem."""
    try:
        import sqlite3
    except ImportError:
        return None
    try:
        connection = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
        try:
            rows = connection.execute('PRAGMA integrity_check').fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return str(exc)
    result = [row[0] for row in rows]
    return None if result == ['ok'] else '; '.join(str(item) for item in result[:5])


def normalize_rules(rules):
    """Check the expected-difference rules; returns them with defaults filled in."""
    normal = []
    for index, rule in enumerate(rules if rules is not None else DEFAULT_EXPECTED):
        if not isinstance(rule, dict) or not rule.get('path') or not rule.get('reason'):
            raise BackupError('expected_differences[%d] needs a path pattern and a reason, got %r' % (index, rule))
        kinds = rule.get('kinds') or list(KINDS)
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown:
            raise BackupError('expected_differences[%d] has unknown kinds %s; use %s'
                              % (index, ', '.join(unknown), ', '.join(KINDS)))
        normal.append({'path': rule['path'], 'kinds': list(kinds), 'reason': rule['reason'],
                       'changed_since_backup': bool(rule.get('changed_since_backup', False))})
    return normal


def compare_trees(restored, live, backup_time, rules=None, left_out=None, outside_links=None):
    """Compare a restored tree with the live one; returns ``(expected, unexpected)``.

    ``expected`` items are ``{path, kind, reason}``, ``unexpected`` items
    ``{path, kind, detail}``; paths are relative to the live root, folders end
    in "/". A folder that exists on one side only is one difference (its
    content is not listed). ``left_out`` maps paths the archive says it left
    out (its manifest's ``skipped``, relative) to the reason given there.
    ``backup_time`` (epoch seconds) is when the archive was made.
    ``outside_links`` maps the paths of links that lead outside the archive,
    which an extraction does not create, to their targets: such a link is
    expected when the live one is a link to the same target.
    """
    rules = normalize_rules(rules)
    left_out = left_out or {}
    outside_links = outside_links or {}
    restored_entries = scan_tree(restored)
    live_entries = scan_tree(live)
    expected = []
    unexpected = []

    def changed_since(entry, kind):
        if entry is None:
            return False
        # Content and a folder's list of entries change its mtime; a mode
        # change only the ctime, which nothing can set back.
        if kind in ('content', 'only_backup'):
            return entry['mtime'] > backup_time
        return max(entry['mtime'], entry['ctime']) > backup_time

    def classify(rel, kind, detail, live_entry, since_entry):
        shown = _display(rel, (live_entry or restored_entries.get(rel) or {}).get('type'))
        for top, reason in left_out.items():
            if kind == 'only_live' and (rel == top or rel.startswith(top.rstrip('/') + '/')):
                expected.append({'path': shown, 'kind': kind, 'reason': 'left out by the backup: %s' % reason})
                return
        for rule in rules:
            if kind not in rule['kinds'] or not fnmatch.fnmatchcase(shown, rule['path']):
                continue
            if rule['changed_since_backup'] and not changed_since(since_entry, kind):
                continue
            expected.append({'path': shown, 'kind': kind, 'reason': rule['reason']})
            return
        unexpected.append({'path': shown, 'kind': kind, 'detail': detail})

    def parent_of(rel):
        parent = os.path.dirname(rel)
        return live_entries.get(parent or '.')

    skip_below = []

    def below_skipped(rel):
        return any(rel.startswith(prefix) for prefix in skip_below)

    for rel in sorted(set(live_entries) | set(restored_entries)):
        if below_skipped(rel):
            continue
        here = live_entries.get(rel)
        there = restored_entries.get(rel)
        if there is None and rel in outside_links:
            target = outside_links[rel]
            if here['type'] == 'link' and os.readlink(here['path']) == target:
                expected.append({'path': rel, 'kind': 'link',
                                 'reason': 'a link to %s, outside the archive: not restored, the live link points '
                                           'to the same place' % target})
            else:
                unexpected.append({'path': _display(rel, here['type']), 'kind': 'link',
                                   'detail': 'the backup holds a link to %s (outside the archive, not restored); the '
                                             'live state has a %s here' % (target, here['type'])})
            if here['type'] == 'dir':
                skip_below.append(rel + '/')
            continue
        if there is None:
            classify(rel, 'only_live', 'in the live state but not in the backup', here, here)
            if here['type'] == 'dir':
                skip_below.append(rel + '/')
            continue
        if here is None:
            classify(rel, 'only_backup', 'in the backup but no longer in the live state', None, parent_of(rel))
            if there['type'] == 'dir':
                skip_below.append(rel + '/')
            continue
        if here['type'] != there['type']:
            classify(rel, 'type', 'a %s in the backup, a %s in the live state' % (there['type'], here['type']),
                     here, here)
            if here['type'] == 'dir' or there['type'] == 'dir':
                skip_below.append(rel + '/')
            continue
        if here['type'] == 'link':
            if os.readlink(here['path']) != os.readlink(there['path']):
                classify(rel, 'link', 'the link points to %s in the backup, to %s in the live state'
                         % (os.readlink(there['path']), os.readlink(here['path'])), here, here)
            continue
        if here['type'] == 'file' and not _same_content(here, there):
            if rel.endswith('.sqlite'):
                problem = sqlite_integrity(there['path'])
                if problem:
                    unexpected.append({'path': rel, 'kind': 'database',
                                       'detail': 'the restored database fails its integrity check: %s' % problem})
                    continue
            classify(rel, 'content', 'the content differs (%d bytes in the backup, %d live)'
                     % (there['size'], here['size']), here, here)
        if here['mode'] != there['mode']:
            classify(rel, 'mode', 'mode %04o in the backup, %04o live' % (there['mode'], here['mode']), here, here)
    return expected, unexpected


def links_below(outside_links, staging, restored_root):
    """The archive's links outside it (``{member name: target}``) that lie under ``restored_root``, by relative path."""
    found = {}
    for name, target in outside_links.items():
        path = os.path.join(staging, name)
        if inside(path, restored_root) and path != restored_root:
            found[os.path.relpath(path, restored_root)] = target
    return found


def restored_roots(staging, manifest):
    """``[(restored path, live path)]`` for each asset of the archive's manifest."""
    pairs = []
    for asset in manifest.get('assets') or []:
        where = str(asset.get('archivePath', '')).rstrip('/')
        source = asset.get('sourcePath')
        if not where or not source or _unsafe_name(where):
            continue
        pairs.append((os.path.join(staging, where), source))
    return pairs


def left_out_of(manifest, live_root):
    """What the archive says it left out below ``live_root``: ``{relative path: reason}``."""
    found = {}
    for item in manifest.get('skipped') or []:
        source = item.get('sourcePath')
        reason = item.get('reason')
        if not source or reason == 'covered' or not inside(source, live_root) or source == live_root:
            continue
        rel = os.path.relpath(source, live_root)
        found[rel] = '%s (%s)' % (reason, item.get('kind', 'entry'))
    included = (manifest.get('paths') or {}).get('included')
    if manifest.get('createdBy') == CREATED_BY and included is not None:
        # Every folder on the way to an included path, and what else it holds.
        ancestors = set([''])
        for item in included:
            steps = item.split('/')
            ancestors.update('/'.join(steps[:depth]) for depth in range(1, len(steps)))
        for folder in sorted(ancestors):
            try:
                names = os.listdir(os.path.join(live_root, folder) if folder else live_root)
            except OSError:
                continue
            for name in names:
                rel = folder + '/' + name if folder else name
                if rel not in found and rel not in ancestors and rel not in included:
                    found[rel] = 'not one of the paths the guide backs up'
    return found


# --------------------------------------------------------------------------
# The OpenClaw CLI (through a runner: the module's or a plain subprocess)
# --------------------------------------------------------------------------

def cli_error(rc, out, err):
    """The message of a failed ``openclaw backup`` call, as the CLI gave it."""
    data = parse_json(out)
    if isinstance(data, dict) and isinstance(data.get('error'), dict) and data['error'].get('message'):
        return data['error']['message']
    lines = [line.strip() for line in (err or out or '').splitlines() if line.strip()]
    reasons = [line.split('Reason:', 1)[1].strip() for line in lines if 'Reason:' in line]
    if reasons:
        return reasons[0]
    return ' | '.join(lines[:4]) or 'exit code %d, no output' % rc


# The scheduled job runs this file on its own, without the collection, so it
# carries its own copy of cli.parse_json_output instead of importing it.
def parse_json(text):
    text = (text or '').strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith('{'):
            try:
                return json.loads('\n'.join(lines[index:]))
            except ValueError:
                continue
    return None


def cli_create(run, backup_dir, include_workspace=True):
    """``openclaw backup create --output <dir> --verify --json``; returns its JSON."""
    args = ['backup', 'create', '--output', backup_dir, '--verify', '--json']
    if not include_workspace:
        args.append('--no-include-workspace')
    rc, out, err = run(args)
    data = parse_json(out)
    if rc != 0 or not isinstance(data, dict) or not data.get('archivePath'):
        raise BackupError('`openclaw %s` failed (exit code %d): %s' % (' '.join(args), rc, cli_error(rc, out, err)))
    if data.get('verified') is not True:
        raise BackupError('`openclaw backup create` wrote %s but did not verify it.' % data['archivePath'])
    return data


def cli_verify(run, archive):
    """``openclaw backup verify <archive> --json``; returns ``{ok, errors, ...}`` (never raises for a bad archive)."""
    rc, out, err = run(['backup', 'verify', archive, '--json'])
    data = parse_json(out)
    if rc == 0 and isinstance(data, dict) and data.get('ok') is True:
        return dict(data, errors=[])
    return {'ok': False, 'errors': [cli_error(rc, out, err)]}


def cli_restore(run, archive, target):
    """``openclaw backup restore <archive> --target <dir> --json``; returns its JSON."""
    args = ['backup', 'restore', archive, '--target', target, '--json']
    rc, out, err = run(args)
    data = parse_json(out)
    if rc != 0 or not isinstance(data, dict) or data.get('ok') is not True:
        raise BackupError('`openclaw backup restore` of %s failed (exit code %d): %s'
                          % (archive, rc, cli_error(rc, out, err)))
    return data


def read_manifest(staging):
    """The manifest of a restored archive: ``(archive root folder, manifest)``."""
    roots = [name for name in os.listdir(staging) if os.path.isfile(os.path.join(staging, name, MANIFEST))]
    if len(roots) != 1:
        raise BackupError('The restore in %s holds %d manifests, expected one.' % (staging, len(roots)))
    with open(os.path.join(staging, roots[0], MANIFEST)) as handle:
        return roots[0], json.load(handle)


def backup_time_of(manifest, archive):
    created = parse_iso((manifest or {}).get('createdAt'))
    if created is None:
        created = os.stat(archive).st_mtime
    return created


# --------------------------------------------------------------------------
# The scheduled job: python3 backup.py run ...
# --------------------------------------------------------------------------

def subprocess_runner(binary, home, state_dir, config_path, timeout, path=None):
    env = dict(os.environ, LC_ALL='C', LANG='C', NO_COLOR='1', FORCE_COLOR='0', CI='1', HOME=home)
    if path:
        env['PATH'] = path
    if state_dir:
        env['OPENCLAW_STATE_DIR'] = state_dir
    if config_path:
        env['OPENCLAW_CONFIG_PATH'] = config_path
    node_dir = os.path.dirname(os.path.realpath(binary))
    env['PATH'] = ':'.join(p for p in ('/usr/local/bin', env.get('PATH', '/usr/bin:/bin'), node_dir) if p)

    def run(args):
        try:
            done = subprocess.run([binary] + list(args), capture_output=True, text=True, env=env, cwd=home,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BackupError('`openclaw %s` did not finish within %d s.' % (' '.join(args), timeout))
        return done.returncode, done.stdout, done.stderr
    return run


def run_job(options, run=None):
    """Create, verify, make private and prune, as the scheduled job does; returns a summary."""
    if options['method'] == 'cli':
        run = run or subprocess_runner(options['openclaw'], options['home'], options['state_dir'],
                                       options.get('config_path'), options['timeout'], options.get('path'))
        check_outside_state(options['backup_dir'], options['state_dir'], 'The backup folder')
        created = cli_create(run, options['backup_dir'], options['include_workspace'])
        archive = created['archivePath']
        verified = {'ok': True, 'errors': []}
    else:
        created = create_archive(options['state_dir'], options['backup_dir'], options.get('version'),
                                 options['include_workspace'])
        archive = created['archivePath']
        verified = check_archive(archive)
    if not verified['ok']:
        raise BackupError('The new archive %s failed verification: %s' % (archive, '; '.join(verified['errors'])))
    os.chmod(archive, 0o600)
    kept, pruned = select_prune(list_archives(options['backup_dir']), options['keep'])
    for item in pruned:
        os.unlink(item['path'])
    return {'archive': archive, 'verified': True, 'kept': [item['path'] for item in kept],
            'pruned': [item['path'] for item in pruned]}


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog='openclaw-backup', description='Back up OpenClaw (clawfleet.openclaw).')
    parser.add_argument('action', choices=['run'])
    parser.add_argument('--backup-dir', required=True)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('--home', required=True)
    parser.add_argument('--config-path')
    parser.add_argument('--keep', type=int, required=True)
    parser.add_argument('--method', choices=['cli', 'archive'], required=True)
    parser.add_argument('--openclaw')
    parser.add_argument('--version')
    parser.add_argument('--timeout', type=int, default=600)
    # Cron and systemd start jobs with a short PATH; the one OpenClaw's node was found on.
    parser.add_argument('--path')
    parser.add_argument('--no-include-workspace', dest='include_workspace', action='store_false')
    args = parser.parse_args(argv)
    if args.method == 'cli' and not args.openclaw:
        parser.error('--method cli needs --openclaw')
    # Everything the job writes is private. The caller's umask comes back
    # afterwards: a process that runs the job in-process keeps its own.
    previous_umask = os.umask(0o077)
    try:
        summary = run_job(vars(args))
    except (BackupError, OSError) as exc:
        sys.stderr.write('openclaw-backup: %s\n' % exc)
        return 1
    finally:
        os.umask(previous_umask)
    sys.stdout.write(json.dumps(summary, sort_keys=True) + '\n')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
