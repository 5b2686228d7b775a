"""The drift report callback on real check runs, against the real OpenClaw, on this machine.

Two inventory aliases of localhost (``drifted`` and ``steady``), each with its
own throwaway home, are converged with the gateway, tools and logging roles
(``playbooks/drift_local.yml``), with the callback listing what the run
changed. Then the Gateway token is pasted into ``drifted``'s openclaw.json by
hand, and ``ansible-playbook --check --diff`` with the callback enabled must
name exactly that setting, masked, and say "no drift" for ``steady``; the JSON
file holds the same. The token given to the play appears nowhere.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('drift_local.yml')
TOKEN = 'correct-horse-battery-staple-by-hand-0042'
HOSTS = ('drifted', 'steady')
CONFIG_TASK = 'Apply the collected config fragments to openclaw.json'
ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')


def make_homes(root, version):
    for index, alias in enumerate(HOSTS):
        state = root / alias / '.openclaw'
        state.mkdir(parents=True)
        os.chmod(state, 0o755)
        config = {'meta': {'lastTouchedVersion': version},
                  'gateway': {'mode': 'local', 'port': 28810 + index, 'bind': 'lan', 'auth': {'mode': 'none'}}}
        (state / 'openclaw.json').write_text(json.dumps(config, indent=2) + '\n')
        os.chmod(state / 'openclaw.json', 0o644)
    inventory = root / 'inventory.json'
    hosts = dict((alias, {'ansible_connection': 'local', 'openclaw_home': str(root / alias),
                          'openclaw_gateway_port': 28810 + index, 'ansible_python_interpreter': sys.executable})
                 for index, alias in enumerate(HOSTS))
    inventory.write_text(json.dumps({'all': {'hosts': hosts}}))
    return inventory


def run_play(root, inventory, version, report, check, **env):
    extra = {'openclaw_user': os.environ.get('USER') or 'root', 'openclaw_become': False,
             'openclaw_bin': helpers.openclaw_bin(version), 'openclaw_gateway_token': TOKEN}
    env = helpers.playbook_env(home=root, temp=root / '.ansible-tmp',
                               ANSIBLE_CALLBACKS_ENABLED='clawfleet.openclaw.drift_report',
                               CLAWFLEET_DRIFT_JSON=str(report), **env)
    command = [helpers.ANSIBLE_PLAYBOOK, '-i', str(inventory), PLAYBOOK, '-e', json.dumps(extra)]
    if check:
        command += ['--check', '--diff']
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    return run, run.stdout + run.stderr


def table(output, title):
    """The rows under the report's title and header, split on runs of two or more spaces."""
    lines = output.splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith(title)]
    assert len(start) == 1, output
    assert lines[start[0] + 1].split() == ['HOST', 'SETTING', 'OLD', '\u2192', 'NEW', 'TASK'], output
    rows = []
    for line in lines[start[0] + 2:]:
        if not line.strip():
            break
        rows.append(re.split(r'\s{2,}', line.strip()))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_check_run_reports_the_hand_edited_setting_only(version, tmp_path):
    inventory = make_homes(tmp_path, version)
    reports = tmp_path / 'reports'

    converge, output = run_play(tmp_path, inventory, version, reports / 'converge.json', check=False,
                                CLAWFLEET_DRIFT_CHECK_MODE_ONLY='false')
    assert converge.returncode == 0, output
    rows = table(output, 'CHANGE REPORT (this run): 2 of 2 host(s) changed')
    for alias in HOSTS:
        settings = dict((row[1], row[2]) for row in rows if row[0] == alias)
        assert settings['gateway.bind'] == '"lan" \u2192 "loopback"', output
        assert settings['gateway.auth.mode'] == '"none" \u2192 "token"', output
    assert json.loads((reports / 'converge.json').read_text())['check_mode'] is False
    assert TOKEN not in output

    path = tmp_path / 'drifted' / '.openclaw' / 'openclaw.json'
    config = json.loads(path.read_text())
    config['gateway']['auth']['token'] = TOKEN
    path.write_text(json.dumps(config, indent=2) + '\n')
    files = dict((alias, (tmp_path / alias / '.openclaw' / 'openclaw.json').read_text()) for alias in HOSTS)

    check, output = run_play(tmp_path, inventory, version, reports / 'drift.json', check=True)
    assert check.returncode == 0, output
    for alias in HOSTS:
        assert (tmp_path / alias / '.openclaw' / 'openclaw.json').read_text() == files[alias], 'check mode wrote'
    ref = '{"id": "value", "provider": "gateway_auth", "source": "file"}'
    assert table(output, 'DRIFT REPORT (check mode): 1 of 2 host(s) drifted') == [
        ['drifted', 'gateway.auth.token', '******** \u2192 ' + ref, CONFIG_TASK],
        ['steady', 'no drift'],
    ], output

    text = (reports / 'drift.json').read_text()
    assert oct(os.stat(reports / 'drift.json').st_mode & 0o777) == '0o600'
    assert oct(os.stat(reports).st_mode & 0o777) == '0o700'
    assert json.loads(text) == {
        'check_mode': True,
        'playbook': PLAYBOOK,
        'hosts': {
            'drifted': {'drifted': True, 'status': 'ok', 'failed_tasks': [], 'notes': [], 'changes': [{
                'action': 'change', 'kind': 'setting', 'module': 'clawfleet.openclaw.openclaw_config',
                'path': 'gateway.auth.token', 'old': '********', 'new': json.loads(ref), 'task': CONFIG_TASK}]},
            'steady': {'drifted': False, 'status': 'ok', 'failed_tasks': [], 'notes': [], 'changes': []},
        },
    }
    assert TOKEN not in output and TOKEN not in text


def test_the_documentation_renders_without_warnings():
    env = helpers.playbook_env()
    run = subprocess.run([ANSIBLE_DOC, '-t', 'callback', 'clawfleet.openclaw.drift_report'], capture_output=True,
                         text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ''
    for option in ('output_file', 'check_mode_only', 'max_value_length', 'CLAWFLEET_DRIFT_JSON',
                   'callback_drift_report'):
        assert option in run.stdout
