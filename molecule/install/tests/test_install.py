"""After converge, a forced failed upgrade and the real upgrade: OpenClaw 2026.9.6
runs from the install root as a hardened unit under an unprivileged user, the
user's config came through translated, and the unit's exposure score holds.
"""
import json
import os
import re
import subprocess
import time

import pytest

import compile_cache
import refusing_gateway

testinfra_hosts = ['install-bare']

STATE = '/home/openclaw/.openclaw'
HARDENING = {
    'User': 'openclaw',
    'NoNewPrivileges': 'yes',
    'PrivateTmp': 'yes',
    'ProtectSystem': 'strict',
    'ProtectHome': 'read-only',
    'CapabilityBoundingSet': '',
    'RestrictAddressFamilies': 'AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'UMask': '0077',
}


def test_the_pinned_version_runs_from_a_root_owned_install(host):
    current = host.file('/opt/openclaw/current')
    assert current.is_symlink and current.linked_to == '/opt/openclaw/versions/2026.9.6'
    assert host.file('/opt/openclaw/versions/2026.6.5').is_directory, 'the previous version is kept for a rollback'
    for path in ('/opt/openclaw', '/opt/openclaw/versions/2026.9.6/node_modules/openclaw'):
        folder = host.file(path)
        assert folder.user == 'root' and folder.mode & 0o022 == 0, path
    version = host.run('runuser -u openclaw -- /usr/local/bin/openclaw --version')
    assert version.rc == 0 and '2026.9.6' in version.stdout, version.stdout + version.stderr
    node = host.run('/usr/local/bin/node --version')
    assert node.stdout.strip() == 'v24.21.0'
    assert host.run('/usr/local/bin/npm --version').stdout.strip() == '11.21.2'


def test_the_user_is_unprivileged_and_the_state_private(host):
    user = host.user('openclaw')
    assert user.uid != 0 and 'sudo' not in user.groups
    state = host.file(STATE)
    assert state.user == 'openclaw' and state.mode == 0o700


@pytest.mark.parametrize('key, value', sorted(HARDENING.items()))
def test_the_unit_is_sandboxed(host, key, value):
    shown = host.run('systemctl show -p %s --value openclaw-gateway.service' % key)
    assert sorted(shown.stdout.split()) == sorted(value.split())


def test_the_unit_only_writes_the_state_folder(host):
    paths = host.run('systemctl show -p ReadWritePaths --value openclaw-gateway.service').stdout.split()
    assert paths == [STATE]
    assert '@system-service' in host.file('/etc/systemd/system/openclaw-gateway.service').content_string


def test_the_exposure_score_holds(host):
    out = host.run('systemd-analyze security --no-pager openclaw-gateway.service').stdout
    score = float(re.search(r'Overall exposure level for \S+: ([0-9.]+)', out).group(1))
    assert score <= 2.5, out[-2000:]


def test_the_gateway_runs_on_loopback_as_the_user(host):
    assert host.service('openclaw-gateway').is_running
    assert host.service('openclaw-gateway').is_enabled
    listeners = host.run('ss -Hltnp sport = :18789').stdout.splitlines()
    addresses = sorted(line.split()[3].rsplit(':', 1)[0] for line in listeners)
    assert addresses and set(addresses) <= {'127.0.0.1', '[::1]'}, listeners
    pid = host.run('systemctl show -p MainPID --value openclaw-gateway.service').stdout.strip()
    assert host.run('ps -o user= -p %s' % pid).stdout.strip() == 'openclaw'


def test_the_users_config_came_through_translated(host):
    config = json.loads(host.file(STATE + '/openclaw.json').content_string)
    assert 'redactSensitive' not in config.get('logging', {})
    assert 'allowInsecureAuth' not in config['gateway'].get('controlUi', {})
    assert 'lastTouchedAt' not in config['meta']
    assert config['logging']['level'] == 'info'
    assert config['agents']['defaults']['maxConcurrent'] == 2
    assert config['gateway']['auth'] == {'mode': 'token', 'token': 'test-only-4f7c2a9e8b1d6c3f0a5e7b2d9c4f1a8e'}
    assert config['gateway']['port'] == 18789 and config['gateway']['bind'] == 'loopback'
    assert host.file(STATE + '/workspace/NOTES.md').content_string == 'Plant watered on Sunday.\n'
    assert not host.run('ls %s | grep -E "clobbered|rejected"' % STATE).stdout


def test_an_upgrade_snapshot_is_private_and_outside_the_state(host):
    folder = host.file('/var/backups/openclaw-upgrades')
    assert folder.user == 'root' and folder.mode == 0o700
    snapshots = host.run('ls /var/backups/openclaw-upgrades').stdout.split()
    assert len(snapshots) == 2 and all(name.endswith('-2026.6.5.tar.gz') for name in snapshots), snapshots


def test_a_run_that_changes_nothing_starts_no_node(host):
    """Once installed and running, a converge changes nothing on either host and runs neither node nor openclaw."""
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    playbook = os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'converge.yml')
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    # Only the JSON on stdout: no other callback printing there (the scenario enables profile_tasks).
    env.pop('ANSIBLE_CALLBACKS_ENABLED', None)
    run = subprocess.run(['ansible-playbook', '-i', inventory, playbook, '-e', 'openclaw_install_version=2026.9.6'],
                         capture_output=True, text=True, timeout=600, check=False, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(run.stdout)
    started = []
    for name in ('install-bare', 'install-user', 'install-nosystemd'):
        assert report['stats'][name]['changed'] == 0, name
        for play in report['plays']:
            for task in play['tasks']:
                result = task['hosts'].get(name, {})
                argv = result.get('cmd') or []
                if not result.get('skipped') and argv and os.path.basename(str(argv[0])) in ('node', 'openclaw'):
                    started.append('%s: %s' % (name, task['task']['name']))
    assert started == [], 'these tasks started Node: %s' % started


def test_the_gateway_comes_back_after_restarting_its_own_process(host):
    """OpenClaw restarts its own process (a config change that needs it, SIGUSR2) by exiting 0 and leaving the
    start to the service manager: the unit starts it again (with Restart=on-failure it stayed down)."""
    def main_pid():
        return host.run('systemctl show -p MainPID --value openclaw-gateway.service').stdout.strip()
    before, since = main_pid(), int(time.time())
    assert host.run('systemctl kill -s SIGUSR2 --kill-whom=main openclaw-gateway.service').rc == 0
    deadline = time.time() + 180
    while time.time() < deadline:
        if main_pid() not in ('0', before) and host.run('ss -Hltn sport = :18789').stdout.strip():
            break
        time.sleep(1)
    journal = host.run('journalctl -u openclaw-gateway --since @%d --no-pager -o cat' % since).stdout
    assert 'full process restart (supervisor restart)' in journal, journal[-2000:]
    assert main_pid() not in ('0', before), journal[-2000:]
    assert host.service('openclaw-gateway').is_running


def test_the_gateway_keeps_its_compile_cache_across_starts(host):
    compile_cache.check_the_gateway_keeps_its_compile_cache(
        host, 'install-bare', 'openclaw', '/var/cache/openclaw-gateway/node-compile-cache',
        lambda args: host.run('systemctl %s' % args), 'system')


def test_an_upgrade_drops_the_compile_cache_of_the_version_before(host):
    compile_cache.check_an_upgrade_leaves_only_the_running_version_cached(
        host, '/var/cache/openclaw-gateway/node-compile-cache', '2026.9.6')


def test_a_gateway_that_refuses_to_start_ends_the_health_wait_and_is_named(host):
    refusing_gateway.check_the_wait_ends_when_the_gateway_refuses_to_start(
        host, 'install-bare', 'openclaw', STATE + '/openclaw.json',
        lambda args: host.run('systemctl %s' % args), 'system')
