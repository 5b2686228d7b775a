"""Token rotation, the emergency incidents and the cron guard against a real Gateway (OpenClaw 2026.9.6)."""
import json
import os

STATE_DIR = '/home/openclaw/.openclaw'
REPORTS = os.path.join(os.environ['MOLECULE_EPHEMERAL_DIRECTORY'], 'reports')
HOST = 'operations-current'
SECRETS = ('molecule-anthropic-key', 'molecule-telegram-token', '0d9c8b7a6f5e4d3c2b1a')


def report(kind, suffix='json', name=HOST):
    path = os.path.join(REPORTS, kind, name + '.' + suffix)
    assert oct(os.stat(path).st_mode & 0o777) == '0o600', path
    assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == '0o700', path
    with open(path) as handle:
        text = handle.read()
    return text


def token(host):
    return host.file(STATE_DIR + '/secrets/gateway-token').content_string.strip()


def test_reports_hold_no_secret(host):
    texts = [report('rotation'), report('rotation', name='rotation-ok')]
    for name in (HOST, 'key_compromised', 'gateway_compromised'):
        texts += [report('emergency', name=name), report('emergency', 'md', name=name)]
    secrets = list(SECRETS) + [token(host)]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_failed_rotation_report(host):
    rotation = json.loads(report('rotation'))
    # The last rotation froze the Gateway and was rolled back.
    assert rotation['outcome'] == 'rolled back'
    assert 'health check failed' in rotation['failure']
    gateway = rotation['gateway_token']
    assert gateway['rotated'] is False and len(gateway['fingerprint_before']) == 12
    assert any(b.startswith(STATE_DIR + '/secrets/gateway-token.before-rotation-') for b in rotation['backups'])


def test_successful_rotation_report(host):
    rotation = json.loads(report('rotation', name='rotation-ok'))
    gateway = rotation['gateway_token']
    assert rotation['outcome'] == 'rotated' and rotation['failure'] is None
    assert gateway['rotated'] is True and gateway['source'] == 'generated on the host'
    assert gateway['fingerprint_before'] != gateway['fingerprint_after']
    assert rotation['gateway_checked_with_new_token'] is True
    assert [(row['label'], row['rotated']) for row in rotation['channel_tokens']] == [('telegram botToken', True)]
    assert 'telegram botToken' in ' '.join(rotation['next_steps'])
    assert 'device tokens' in rotation['devices']


def test_rotation_backups_are_private(host):
    listing = host.run('find %s/secrets -name "gateway-token.before-rotation-*" -printf "%%m %%u\\n"' % STATE_DIR)
    lines = listing.stdout.split()
    assert lines and set(lines[0::2]) == {'600'} and set(lines[1::2]) == {'openclaw'}


def test_channel_disabled_in_openclaw_json(host):
    config = json.loads(host.file(STATE_DIR + '/openclaw.json').content_string)
    assert config['channels']['telegram']['enabled'] is False
    # The bot token reference the secrets role wrote is kept.
    assert config['channels']['telegram']['botToken']['source'] == 'file'


def test_gateway_stopped_by_cost_spike(host):
    assert not host.service('openclaw-gateway').is_running
    assert not host.socket('tcp://127.0.0.1:18789').is_listening


def test_cost_spike_report(host):
    emergency = json.loads(report('emergency'))
    assert emergency['incident'] == 'cost_spike'
    assert emergency['channels_disabled'] == ['telegram'] and emergency['gateway_stopped'] is True
    assert 'channels.telegram.enabled' in emergency['config_changes']
    activity = emergency['activity']
    assert activity['tasks_audit'] is not None and activity['errors'] == []
    assert 'heartbeat-main' in [job['name'] for job in activity['cron_jobs']]
    assert any('provider dashboards' in step for step in emergency['manual_steps'])
    markdown = report('emergency', 'md')
    assert '# Emergency response on operations-current: cost_spike' in markdown
    assert 'heartbeat-main' in markdown


def test_provider_key_replaced_by_key_incident(host):
    key = host.file(STATE_DIR + '/secrets/anthropic_api_key')
    assert key.content_string.strip() == 'molecule-anthropic-key-new-not-real-9a3f10'
    assert key.mode == 0o600 and key.user == 'openclaw'


def test_key_incident_report(host):
    emergency = json.loads(report('emergency', name='key_compromised'))
    assert emergency['keys_replaced'] == ['anthropic api key'] and emergency['other_secrets_rewritten'] == []
    assert len(emergency['key_fingerprints'][0]) == 12
    assert any('Revoke the old key at the provider' in step for step in emergency['manual_steps'])
    assert emergency['activity']['tasks_audit']['total'] >= 0 and emergency['activity']['errors'] == []
    runs = emergency['activity']['cron_runs']
    assert sorted(runs) == sorted(job['id'] for job in emergency['activity']['cron_jobs'])


def test_gateway_incident_report(host):
    emergency = json.loads(report('emergency', name='gateway_compromised'))
    assert emergency['devices_removed'] == ['garage-pi']
    assert emergency['gateway_token']['rotated'] is True
    assert any('openclaw devices approve' in step for step in emergency['manual_steps'])
    markdown = report('emergency', 'md', name='gateway_compromised')
    assert '## Devices removed' in markdown and '- garage-pi' in markdown
