"""A host where systemd does not run (PID 1 is not systemd): the role installs
OpenClaw, writes no unit, starts nothing, and says so by name.
"""
import json
import os
import subprocess

testinfra_hosts = ['install-nosystemd']

HOST = 'install-nosystemd'


def test_openclaw_is_installed_without_a_unit(host):
    assert host.file('/opt/openclaw/current').linked_to == '/opt/openclaw/versions/2026.9.6'
    version = host.run('runuser -u openclaw -- /usr/local/bin/openclaw --version')
    assert version.rc == 0 and '2026.9.6' in version.stdout, version.stdout + version.stderr
    assert not host.file('/etc/systemd/system/openclaw-gateway.service').exists
    assert not host.file('/home/openclaw/.config/systemd').exists
    assert host.file('/home/openclaw/.openclaw').mode == 0o700
    assert not host.run('ss -Hltn sport = :18789').stdout.strip(), 'something listens on the Gateway port'


def test_the_role_says_the_unit_is_skipped():
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    env.pop('ANSIBLE_CALLBACKS_ENABLED', None)
    playbook = os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'converge.yml')
    run = subprocess.run(['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], playbook, '--limit', HOST],
                         capture_output=True, text=True, timeout=600, check=False, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report['stats'][HOST]['changed'] == 0
    said = [task['hosts'][HOST].get('msg', '') for play in report['plays'] for task in play['tasks']
            if task['task']['name'].endswith('Say that the Gateway unit is skipped without systemd')
            and not task['hosts'][HOST].get('skipped')]
    assert len(said) == 1, said
    assert 'systemd does not run install-nosystemd' in said[0] and 'writes no Gateway unit' in said[0], said
