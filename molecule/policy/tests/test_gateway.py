"""The access boundary (guide section 1): the gateway role's keys, files and listener.

The deep audit's gateway and filesystem areas, the real validate and the
no-Node runs are judged for every role at once in test_compat.py.
"""
import json
import re

from conftest import CONFIG, STATE_DIR, as_openclaw, listeners

TOKEN_FILE = STATE_DIR + '/secrets/gateway-token'


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


def test_meta_survived(config, version):
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
    result = as_openclaw(host, 'openclaw config get gateway.bind', timeout=180)
    assert result.rc == 0, result.stderr
    assert 'loopback' in result.stdout
    after = json.loads(host.file(CONFIG).content_string)
    assert after['gateway'] == config['gateway']
    leftovers = host.run('ls -a %s' % STATE_DIR).stdout
    assert '.clobbered.' not in leftovers and '.rejected.' not in leftovers


def test_gateway_listens_on_loopback_only(host, hostvars):
    port = hostvars['openclaw_gateway_port']
    assert host.service('openclaw-gateway').is_running
    found = listeners(host, port)
    assert found, 'nothing listens on %d' % port
    assert set(found) <= {'127.0.0.1', '[::1]'}, found
