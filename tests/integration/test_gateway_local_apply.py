"""The gateway role's whole apply path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the gateway role against a throwaway home (no
service to restart), once per measured OpenClaw version, in Tailscale serve
mode: the fragment is translated for the version, validated by the real
``openclaw config validate``, written, and a second run changes nothing.
"""
import json
import os
import re
import socket
import subprocess

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('gateway_local.yml')
NODE_DIR = helpers.NODE_DIR
TAILSCALE_NAME = 'laptop.tail1234.ts.net'
# One port per version: the two cases may run at once on two workers, and one case's deliberately
# exposed listener must not be seen by the other case's runs.
PORTS = {'2026.9.6': 28790, '2026.6.5': 28780}
USER_KEYS = {
    'meta': {'lastTouchedVersion': 'VERSION'},
    'gateway': {'mode': 'local', 'bind': 'lan', 'auth': {'mode': 'none'},
                'controlUi': {'allowedOrigins': ['*']}},
    'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
}


openclaw_bin = helpers.openclaw_bin
recap_changed = helpers.recap_changed


def run_role(home, version, check=False, **more):
    extra = helpers.host_vars(home,
                              openclaw_bin=openclaw_bin(version),
                              openclaw_service_manager='none',
                              openclaw_gateway_port=PORTS[version],
                              openclaw_gateway_tailscale_hostname=TAILSCALE_NAME, **more)
    env = helpers.playbook_env(home=home, temp=home / '.ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, extra, env, check=check)


@pytest.mark.slow
@pytest.mark.parametrize('version', sorted(PORTS, reverse=True))
def test_tailscale_serve_mode_applies_and_converges(version, tmp_path):
    home = tmp_path
    state = home / '.openclaw'
    state.mkdir()
    os.chmod(state, 0o755)
    port = PORTS[version]
    live = json.loads(json.dumps(USER_KEYS).replace('VERSION', version))
    live['gateway']['port'] = port
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
    assert gateway['bind'] == 'loopback' and gateway['port'] == port
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

    # A Gateway left listening on every interface (started by hand with --bind lan, say) while the config,
    # unchanged, says loopback: the apply step judges the listeners read at the start of the run and fails.
    before = (state / 'openclaw.json').read_bytes()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as exposed:
        exposed.bind(('0.0.0.0', port))
        exposed.listen(1)
        refused, output = run_role(home, version)
        assert refused.returncode != 0, output
        # Judged on the controller from the listeners read at the start: no second read of the host.
        assert re.search(r"TASK \[clawfleet\.openclaw\.config : Check that the Gateway port listened on loopback only "
                         r"when the host's facts were read\](?:(?!TASK \[).)*fatal: \[localhost\]", output, re.DOTALL), output
        assert 'EXPOSED: port %d listens beyond loopback on 0.0.0.0 (ipv4, wildcard, every interface)' % port in output
        assert 'openclaw_gateway_allowed_listen_addresses' in output
        assert (state / 'openclaw.json').read_bytes() == before
        allowed, output = run_role(home, version, openclaw_gateway_allowed_listen_addresses=['0.0.0.0'])
        assert allowed.returncode == 0, output
        assert recap_changed(output) == 0, output
