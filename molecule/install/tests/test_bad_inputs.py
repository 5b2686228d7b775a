"""Bad install inputs are refused before the host is touched.

Each case runs the converge playbook once more with one bad setting (as
extra vars, the way a wrong inventory value arrives) and must fail with a
message naming the setting or the fix, leaving the install root, the links,
the unit, the snapshots and the config exactly as they were.
"""
import json
import os
import subprocess
import tempfile

import pytest
import testinfra

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
     'is older than the 2026.9.6 that runs on install-bare'),
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


@pytest.mark.parametrize('name, extra, expected', CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_the_host_changes(host, name, extra, expected):
    before = fingerprint(host)
    playbook = os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'converge.yml')
    # The version that runs after the scenario's upgrade, unless the case is about the version.
    settings = dict({'openclaw_install_version': '2026.9.6'}, **extra)
    with tempfile.NamedTemporaryFile('w', suffix='.json') as extra_vars:
        json.dump(settings, extra_vars)
        extra_vars.flush()
        run = subprocess.run(['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], playbook,
                              '--limit', HOST, '-e', '@' + extra_vars.name],
                             capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert expected in ' '.join(output.split()), output
    assert fingerprint(host) == before, 'the host changed although %s was refused' % name
