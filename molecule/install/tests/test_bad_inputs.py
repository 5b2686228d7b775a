"""Bad install inputs are refused before the host is touched.

Every case is an inventory alias of the same container with one bad setting
as its host variable (the way a wrong inventory value arrives), and the
converge playbook runs once for all of them: each alias must fail with a
message naming the setting or the fix, and the install root, the links, the
unit, the snapshots and the config must be exactly as they were. One run
instead of one per case: about 90 s less in every CI run.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import pytest
import testinfra

# The reader of failed-task lines the integration tests' refusals use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tests', 'integration'))
from helpers import refusals as refusal_messages  # noqa: E402  pylint: disable=wrong-import-position

HOST = 'install-bare'
WATCHED = '/opt /usr/local/bin /etc/systemd/system /var/backups'

CASES = [
    ('a version tag instead of a release', {'openclaw_install_version': 'latest'},
     'openclaw_install_version is "latest", not an exact OpenClaw release'),
    ('a version YAML read as a number', {'openclaw_install_version': 2026.9},
     'openclaw_install_version'),
    ('root as the OpenClaw user', {'openclaw_user': 'root'},
     'must run as a dedicated unprivileged user'),
    ('no Node on the host with installation disabled',
     {'openclaw_install_node_method': 'existing', 'openclaw_install_node_bin': '/usr/bin/node'},
     'openclaw_install_node_method is "existing", so the role may not install one'),
    ('a Node too old for the release',
     {'openclaw_install_node_method': 'npm_package', 'openclaw_install_node_version': '22.18.0',
      'openclaw_install_version': '2026.9.6'},
     'Node 22.18.0 (openclaw_install_node_version) does not fit OpenClaw 2026.9.6'),
    ('the distribution\'s Node where it has none that fits', {'openclaw_install_node_method': 'distro'},
     'The distribution offers Node'),
    ('an unknown Node method', {'openclaw_install_node_method': 'curl_pipe_sh'},
     'openclaw_install_node_method'),
    ('a tarball without its checksum',
     {'openclaw_install_node_method': 'tarball',
      'openclaw_install_node_archive_url': 'file:///srv/node-v24.21.0-linux-x64.tar.xz'},
     'openclaw_install_node_archive_checksum'),
    ('a snapshot folder inside the state folder',
     {'openclaw_install_snapshot_dir': '/home/openclaw/.openclaw/snapshots'},
     'the snapshot folder may lie in the state folder'),
    ('a relative mirror path', {'openclaw_install_mirror': 'srv/openclaw-mirror'},
     'must be absolute paths'),
    ('no source to install from', {'openclaw_install_mirror': '', 'openclaw_install_registry': ''},
     'Neither openclaw_install_mirror'),
    ('a version the mirror does not have', {'openclaw_install_version': '2026.10.1'},
     'has no OpenClaw 2026.10.1'),
    ('a downgrade below the running version', {'openclaw_install_version': '2026.6.5'},
     'is older than the 2026.9.6 that runs on bad-input-'),
    ('a unit for a Gateway another way restarts',
     {'openclaw_service_manager': 'command', 'openclaw_service_restart_command': ['/bin/true']},
     'set openclaw_install_service: false and supervise the Gateway yourself'),
    ('a user unit next to the running system unit', {'openclaw_service_manager': 'systemd_user'},
     '/etc/systemd/system/openclaw-gateway.service already runs a Gateway as a system unit'),
    ('an exposure threshold off the scale', {'openclaw_install_service_max_exposure': 11},
     'openclaw_install_service_max_exposure is 11'),
]


def fingerprint(host):
    listing = host.run('find %s -maxdepth 3 -printf "%%p %%m %%u %%s %%T@ %%l\\n" | sort' % WATCHED)
    assert listing.rc == 0, listing.stderr
    config = host.file('/home/openclaw/.openclaw/openclaw.json')
    state = host.file('/home/openclaw/.openclaw')
    return listing.stdout, config.sha256sum, config.mode, state.mode, state.user


@pytest.fixture(scope='module')
def host():
    return testinfra.get_host('ansible://%s?ansible_inventory=%s' % (HOST, os.environ['MOLECULE_INVENTORY_FILE']))


def alias(index):
    return 'bad-input-%02d' % index


@pytest.fixture(scope='module')
def refusals(host):
    """Runs converge once for every case; returns the fingerprints around it and each alias's failures."""
    before = fingerprint(host)
    hosts = {}
    for index, (_name, extra, _expected) in enumerate(CASES):
        # The version that runs after the scenario's upgrade, unless the case is about the version.
        settings = dict({'openclaw_install_version': '2026.9.6'}, **extra)
        hosts[alias(index)] = dict(settings, ansible_connection='community.docker.docker', ansible_host=HOST)
    playbook = os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'converge.yml')
    with tempfile.NamedTemporaryFile('w', suffix='.json') as cases:
        json.dump({'openclaw_hosts': {'hosts': hosts}}, cases)
        cases.flush()
        run = subprocess.run(['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-i', cases.name,
                              playbook, '--limit', ','.join(sorted(hosts))],
                             capture_output=True, text=True, timeout=900, check=False,
                             env=dict(os.environ, ANSIBLE_CALLBACK_RESULT_FORMAT='json',
                                      ANSIBLE_CALLBACK_FORMAT_PRETTY='false', ANSIBLE_FORCE_COLOR='false'))
    failed_lines = {}
    # Molecule's Ansible settings print failed results on stderr (display_failed_stderr).
    for line in (run.stdout + '\n' + run.stderr).splitlines():
        match = re.match(r'^(?:fatal|failed): \[(bad-input-\d\d)\]', line)
        if match:
            failed_lines.setdefault(match.group(1), []).append(line)
    failures = dict((case, refusal_messages('\n'.join(lines))) for case, lines in failed_lines.items())
    return before, fingerprint(host), run, failures


def test_no_bad_input_changes_the_host(refusals):
    before, after, run, _failures = refusals
    assert run.returncode != 0, run.stdout + run.stderr
    changed = sorted(set(after[0].splitlines()) ^ set(before[0].splitlines()))
    assert after == before, 'the host changed although every case was refused: %s %s' % (
        changed, [pair for pair in zip(before[1:], after[1:]) if pair[0] != pair[1]])


@pytest.mark.parametrize('index, name, extra, expected', [(i,) + case for i, case in enumerate(CASES)],
                         ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_the_host_changes(refusals, index, name, extra, expected):
    _before, _after, run, failures = refusals
    found = failures.get(alias(index))
    assert found, '%s (%r) was not refused:\n%s' % (name, extra, run.stdout + run.stderr)
    message = ' '.join(found.split())
    assert expected in message, message
