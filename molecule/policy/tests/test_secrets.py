"""Verify the secrets role: keys outside openclaw.json, references resolve, nothing in clear."""
import json

from conftest import CONFIG, STATE_DIR, as_openclaw

SECRETS_DIR = STATE_DIR + '/secrets'


def test_config_holds_references_only(host, config, hostvars):
    env = hostvars.get('openclaw_secrets_delivery') == 'env'
    key = config['models']['providers']['anthropic']['apiKey']
    token = config['channels']['telegram']['botToken']
    if env:
        assert key == {'source': 'env', 'provider': 'default', 'id': 'ANTHROPIC_API_KEY'}
        assert token == {'source': 'env', 'provider': 'default', 'id': 'TELEGRAM_BOT_TOKEN'}
    else:
        assert key == {'source': 'file', 'provider': 'anthropic_api_key', 'id': 'value'}
        assert token == {'source': 'file', 'provider': 'telegram_bot_token', 'id': 'value'}
        assert config['secrets']['providers']['anthropic_api_key'] == {
            'source': 'file', 'mode': 'singleValue', 'path': SECRETS_DIR + '/anthropic_api_key'}
    assert config['auth']['profiles'] == {'anthropic:default': {'provider': 'anthropic', 'mode': 'api_key'}}
    text = host.file(CONFIG).content_string
    for entry in hostvars['openclaw_secrets_provider_keys'] + hostvars['openclaw_secrets_channel_tokens']:
        assert entry['value'] not in text


def test_values_are_kept_private(host, hostvars):
    env = hostvars.get('openclaw_secrets_delivery') == 'env'
    key = hostvars['openclaw_secrets_provider_keys'][0]['value']
    token = hostvars['openclaw_secrets_channel_tokens'][0]['value']
    if env:
        env_file = host.file(STATE_DIR + '/gateway.env')
        assert env_file.mode == 0o600 and env_file.user == 'openclaw'
        lines = env_file.content_string.splitlines()
        assert 'ANTHROPIC_API_KEY=%s' % key in lines
        assert 'TELEGRAM_BOT_TOKEN=%s' % token in lines
    else:
        for name, value in (('anthropic_api_key', key), ('telegram_bot_token', token)):
            secret = host.file('%s/%s' % (SECRETS_DIR, name))
            assert secret.mode == 0o600 and secret.user == 'openclaw'
            assert secret.content_string == value + '\n'
    record = json.loads(host.file(SECRETS_DIR + '/anthropic_api_key.rotation.json').content_string)
    assert record['max_age_days'] == 30 and key not in json.dumps(record)


def test_no_value_outside_its_place(host, hostvars):
    """The values are in the secret files, the environment file and nowhere else in the state folder."""
    for entry in hostvars['openclaw_secrets_provider_keys'] + hostvars['openclaw_secrets_channel_tokens']:
        found = host.run('grep -rlF -- %s %s' % (entry['value'], STATE_DIR)).stdout.split()
        assert set(found) <= {SECRETS_DIR + '/anthropic_api_key', SECRETS_DIR + '/telegram_bot_token',
                              STATE_DIR + '/gateway.env'}, found


def test_openclaw_secrets_audit_is_clean(host):
    result = as_openclaw(host, 'openclaw secrets audit --check --json', timeout=120)
    assert result.rc == 0, result.stdout + result.stderr
    report = json.loads(result.stdout[result.stdout.index('{'):])
    assert report['status'] == 'clean', report
    assert report['summary']['unresolvedRefCount'] == 0
