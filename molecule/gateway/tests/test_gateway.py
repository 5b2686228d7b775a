"""Verify the gateway role against the real OpenClaw and its running Gateway."""
import json
import os
import re
import sys

import pytest

# The call-log reader is shared by every scenario (molecule/resources/calllog.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'resources'))
from calllog import run_segments  # noqa: E402  pylint: disable=wrong-import-position

STATE_DIR = '/home/openclaw/.openclaw'
CONFIG = STATE_DIR + '/openclaw.json'
TOKEN_FILE = STATE_DIR + '/secrets/gateway-token'

# Findings that config cannot remove, per the measured catalogue; anything else
# in the gateway and filesystem areas at warn or critical fails the test.
FLOOR = {
    # Always emitted: an inventory of what is reachable.
    'summary.attack_surface': 'info, always present',
    # --deep probes the live Gateway; the CLI holds only the shared token, not a
    # paired operator device, so the probe lacks operator.read scope.
    'gateway.probe_failed': 'needs a paired operator device in state, not config',
}
AREAS = ('gateway.', 'fs.')


def as_openclaw(host, command, timeout=180):
    return host.run('timeout %d runuser -u openclaw -- env HOME=/home/openclaw LC_ALL=C %s'
                    % (timeout, command))


@pytest.fixture(scope='module')
def hostvars(host):
    return host.ansible.get_variables()


@pytest.fixture(scope='module')
def config(host):
    return json.loads(host.file(CONFIG).content_string)


@pytest.fixture(scope='module')
def version(host):
    return host.file('/etc/openclaw-test-version').content_string.strip()


def test_config_has_the_baseline(config, hostvars):
    gateway = config['gateway']
    assert gateway['mode'] == 'local'
    assert gateway['bind'] == 'loopback'
    assert gateway['port'] == hostvars['openclaw_gateway_port']
    assert gateway['auth']['mode'] == 'token'
    assert gateway['auth']['token'] == {'source': 'file', 'provider': 'gateway_auth', 'id': 'value'}
    assert gateway['controlUi']['enabled'] is False
    assert 'allowedOrigins' not in gateway['controlUi'], 'the wildcard origin must be gone'
    assert gateway['tailscale']['mode'] == 'off'
    provider = config['secrets']['providers']['gateway_auth']
    assert provider == {'source': 'file', 'mode': 'singleValue', 'path': TOKEN_FILE}


def test_user_keys_and_meta_survived(config, version):
    assert config['channels']['telegram']['allowFrom'] == ['123456789']
    assert config['channels']['telegram']['botToken']['id'] == 'TELEGRAM_BOT_TOKEN'
    assert config['agents']['defaults']['maxConcurrent'] == 3
    assert config['meta']['lastTouchedVersion'] == version


def test_modes_and_owners(host):
    state = host.file(STATE_DIR)
    assert state.mode == 0o700 and state.user == 'openclaw'
    cfg = host.file(CONFIG)
    assert cfg.mode == 0o600 and cfg.user == 'openclaw'
    token = host.file(TOKEN_FILE)
    assert token.mode == 0o600 and token.user == 'openclaw'
    assert host.file(STATE_DIR + '/secrets').mode == 0o700


def test_token_is_long_and_outside_the_config(host, hostvars):
    token = host.file(TOKEN_FILE).content_string.strip()
    assert len(token) >= 32
    if hostvars.get('openclaw_gateway_token'):
        assert token == hostvars['openclaw_gateway_token']
    else:
        assert re.fullmatch('[0-9a-f]{64}', token)
    assert token not in host.file(CONFIG).content_string
    for backup in host.run('ls %s/*.clawfleet.bak' % STATE_DIR).stdout.split():
        assert token not in host.file(backup).content_string


def test_backup_of_the_unsafe_file_is_private(host):
    backups = host.run('ls %s/*.clawfleet.bak' % STATE_DIR).stdout.split()
    assert backups, 'the first write must have kept a backup'
    for backup in backups:
        assert host.file(backup).mode == 0o600


def test_read_only_command_keeps_our_values(host, config):
    result = as_openclaw(host, 'openclaw config get gateway.bind')
    assert result.rc == 0, result.stderr
    assert 'loopback' in result.stdout
    after = json.loads(host.file(CONFIG).content_string)
    assert after['gateway'] == config['gateway']
    leftovers = host.run('ls -a %s' % STATE_DIR).stdout
    assert '.clobbered.' not in leftovers and '.rejected.' not in leftovers


def test_real_validate_passes(host):
    result = as_openclaw(host, 'openclaw config validate --json')
    assert result.rc == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)['valid'] is True


def listeners(host, port):
    out = host.run('ss -Hltn sport = :%d' % port).stdout
    return sorted(line.split()[3].rsplit(':', 1)[0] for line in out.splitlines() if line.strip())


def test_gateway_listens_on_loopback_only(host, hostvars):
    port = hostvars['openclaw_gateway_port']
    assert host.service('openclaw-gateway').is_running
    found = listeners(host, port)
    assert found, 'nothing listens on %d' % port
    assert set(found) <= {'127.0.0.1', '[::1]'}, found


def test_security_audit_is_clean_in_gateway_and_fs(host):
    result = as_openclaw(host, 'openclaw security audit --deep --json', timeout=240)
    assert result.rc == 0, result.stderr
    report = json.loads(result.stdout[result.stdout.index('{'):])
    bad = [f for f in report['findings']
           if f['severity'] in ('warn', 'critical') and f['checkId'].startswith(AREAS)
           and f['checkId'] not in FLOOR]
    assert not bad, bad
    assert report['summary']['critical'] == 0, report['findings']


def test_no_change_runs_start_no_node(host):
    segments = run_segments(host)
    # check on the fresh host, converge, idempotence, check again
    assert len(segments) >= 4, segments
    fresh_check, converge, idempotence, second_check = segments[:4]
    assert 'check=True' in fresh_check[0] and 'check=True' in second_check[0]
    assert fresh_check[1] == [], 'check mode started openclaw: %s' % fresh_check[1]
    assert any('config validate' in call for call in converge[1]), converge
    assert idempotence[1] == [], 'the no-change run started openclaw: %s' % idempotence[1]
    assert second_check[1] == [], 'the second check started openclaw: %s' % second_check[1]
