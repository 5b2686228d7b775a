# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers the collection's tests share: running a module, reading recordings.

Tests import this file by its collection name, the way they import the
collection's own code (``tests/conftest.py`` makes that name importable)::

    from ansible_collections.clawfleet.openclaw.tests.unit import helpers

The fixtures built on these helpers live in ``conftest.py`` files.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import contextlib
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import time

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
CLI = os.path.join(FIXTURES, 'cli')
PROC = os.path.join(FIXTURES, 'proc')
SYSTEMD = os.path.join(FIXTURES, 'systemd')


# --------------------------------------------------------------------------
# Recordings taken on real hosts
# --------------------------------------------------------------------------

def recording(version, name):
    """One recorded OpenClaw CLI run: ``fixtures/cli/<version>/<name>.json`` (rc, stdout, stderr)."""
    with open(os.path.join(CLI, version, name + '.json')) as handle:
        return json.load(handle)


def systemd_recording(name):
    """One recorded systemctl call: ``fixtures/systemd/<name>.json`` (cmd, rc, stdout, stderr)."""
    with open(os.path.join(SYSTEMD, name + '.json')) as handle:
        return json.load(handle)


def write_cron_store(state, version, name):
    """Write the cron table recorded in ``name`` (``activity_cron_store_*``) into ``<state>/state/openclaw.sqlite``."""
    rec = recording(version, name)
    (state / 'state').mkdir(parents=True)
    connection = sqlite3.connect(str(state / 'state' / 'openclaw.sqlite'))
    connection.execute(rec['schema'])
    for row in rec['rows']:
        columns = sorted(row)
        connection.execute('INSERT INTO cron_jobs (%s) VALUES (%s)' % (', '.join(columns), ', '.join('?' * len(columns))),
                           [row[c] for c in columns])
    connection.commit()
    connection.close()


def write_device_store(state, version, name):
    """Write the device tables recorded in ``name`` (``devices_store_*``) into ``<state>/state/openclaw.sqlite``."""
    rec = recording(version, name)
    (state / 'state').mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(state / 'state' / 'openclaw.sqlite'))
    for table, content in rec['tables'].items():
        connection.execute(content['schema'])
        for row in content['rows']:
            columns = sorted(row)
            connection.execute('INSERT INTO %s (%s) VALUES (%s)' % (table, ', '.join(columns), ', '.join('?' * len(columns))),
                               [row[c] for c in columns])
    connection.commit()
    connection.close()


# --------------------------------------------------------------------------
# Backup archives
# --------------------------------------------------------------------------

def tar_entry(name, kind=tarfile.REGTYPE, link=''):
    """A tar header for ``name`` of ``kind`` (mode 0644, or a link to ``link``)."""
    entry = tarfile.TarInfo(name)
    entry.type = kind
    entry.linkname = link
    entry.mode = 0o644
    return entry


def add_links_outside(path, state, links, file_below=False):
    """Add ``{relative path: target}`` symbolic links under the state folder's place in the archive at ``path``.

    OpenClaw 2026.6.5's ``backup create`` archives its generated
    ``plugin-skills/`` links, which point into the install folder, this way.
    """
    with tarfile.open(str(path), 'r:gz') as tar:
        items = [(member, tar.extractfile(member).read() if member.isfile() else None) for member in tar.getmembers()]
    payload = [member.name for member, dummy in items if member.name.endswith('/' + str(state).lstrip('/'))][0]
    with tarfile.open(str(path), 'w:gz', format=tarfile.PAX_FORMAT) as tar:
        for member, data in items:
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
        for folder in sorted(set(os.path.dirname(rel) for rel in links)):
            entry = tar_entry('%s/%s' % (payload, folder), tarfile.DIRTYPE)
            entry.mode = 0o700
            tar.addfile(entry)
        for rel, target in sorted(links.items()):
            tar.addfile(tar_entry('%s/%s' % (payload, rel), tarfile.SYMTYPE, target))
        if file_below:
            # A file "under" such a link must land in the staging folder, never at the link's target.
            tar.addfile(tar_entry('%s/%s/SKILL.md' % (payload, sorted(links)[0])), io.BytesIO(b''))
    return path


# What the real packages declare (engines.node of openclaw@2026.9.6).
ENGINES_2026_9_6 = '>=24.16.0 <25 || >=26.1.0'


def npm_integrity(data):
    """npm's integrity string (sha512, base64) of ``data``."""
    return 'sha512-' + base64.b64encode(hashlib.sha512(data).digest()).decode('ascii')


def npm_pack(path, files, links=None, extra=None):
    """An ``npm pack``-style tarball: ``{relative path: bytes}`` under ``package/``."""
    with tarfile.open(str(path), 'w:gz') as tar:
        for rel, data in sorted(files.items()):
            info = tarfile.TarInfo('package/' + rel)
            info.size = len(data)
            info.mode = 0o755 if rel.startswith('bin/') else 0o644
            tar.addfile(info, io.BytesIO(data))
        for rel, target in sorted((links or {}).items()):
            info = tarfile.TarInfo('package/' + rel)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
        for info in extra or []:
            tar.addfile(info, io.BytesIO(b''))
    return path


def put(path, text='x', age=0.0, mode=0o600):
    """Write ``path`` (folders made as needed) with ``mode``, its mtime ``age`` seconds in the past."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(str(path), mode)
    if age:
        stamp = time.time() - age
        os.utime(str(path), (stamp, stamp))
    return path


def tables(name):
    """The socket tables of one recording in ``fixtures/proc/``, as ``listen.read_tables`` returns them."""
    result = {}
    for family, suffix in (('ipv4', 'tcp'), ('ipv6', 'tcp6')):
        with open(os.path.join(PROC, '%s.%s' % (name, suffix))) as handle:
            result[family] = handle.read()
    return result


def tables_notes(name):
    """What was listening while the tables ``name`` were recorded: ``fixtures/proc/<name>.json``."""
    with open(os.path.join(PROC, '%s.json' % name)) as handle:
        return json.load(handle)


def deny_fd_links(monkeypatch):
    """os.readlink as root without CAP_SYS_PTRACE sees another user's /proc/PID/fd (measured in a test container):
    the names can be listed, each link is EACCES."""
    real = os.readlink

    def readlink(path, *args, **kwargs):
        if '/fd/' in str(path):
            raise OSError(13, 'Permission denied', path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, 'readlink', readlink)


# --------------------------------------------------------------------------
# Running a module
# --------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_warnings(monkeypatch):
    """Module warnings are process-global; keep one case's out of the next.

    Importing controller code (as the filter tests do) switches warnings to
    the controller's display; a module run on a host returns them instead.
    """
    monkeypatch.setattr(ansible_internal, 'is_controller', False)
    ansible_warnings._global_warnings.clear()
    try:
        yield
    finally:
        ansible_warnings._global_warnings.clear()


def run_module(module, args, capsys):
    """Run ``module.main()`` with ``args`` as its module arguments.

    Returns the JSON result it printed, with ``_exit`` (its exit code) and
    ``_raw`` (the text it printed) added.
    """
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            module.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    result['_exit'] = exc.value.code
    result['_raw'] = out
    return result


def warnings_of(result):
    """Warning texts; ansible-core 2.19 returns them as structured summaries."""
    texts = []
    for warning in result.get('warnings', []):
        if isinstance(warning, dict):
            warning = (warning.get('event') or {}).get('msg', '')
        texts.append(warning)
    return texts


def check_messages(result, expected):
    """Check a case's message expectations and take them out of ``expected``.

    ``msg_has`` / ``msg_lacks``: texts that must / must not be in ``msg``;
    ``warning_has``: a text one warning holds; ``no_warnings``: no warning at all.
    """
    for text in expected.pop('msg_has', []):
        assert text in result['msg']
    for text in expected.pop('msg_lacks', []):
        assert text not in result['msg']
    if 'warning_has' in expected:
        text = expected.pop('warning_has')
        assert any(text in warning for warning in warnings_of(result)), warnings_of(result)
    if expected.pop('no_warnings', False):
        assert warnings_of(result) == []
