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

import contextlib
import json
import os
import sqlite3
import time

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
CLI = os.path.join(FIXTURES, 'cli')
PROC = os.path.join(FIXTURES, 'proc')


# --------------------------------------------------------------------------
# Recordings taken on real hosts
# --------------------------------------------------------------------------

def recording(version, name):
    """One recorded OpenClaw CLI run: ``fixtures/cli/<version>/<name>.json`` (rc, stdout, stderr)."""
    with open(os.path.join(CLI, version, name + '.json')) as handle:
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
