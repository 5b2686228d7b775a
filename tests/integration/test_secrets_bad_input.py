"""Bad secrets settings are refused before the host is touched, and never echoed.

Each case is a host of one real ``ansible-playbook`` run
(``helpers.Refusals``) with the secrets role against this
machine, with a throwaway state folder holding an openclaw.json with a key in
clear. Each must fail, name the variable, leave every byte of the folder as
it was, and print no secret value it was given.
"""
import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('secrets_local.yml')
KEY = 'sk-ant-api03-BadInputCaseKey-0123456789abcdefghijklmnop'
TOKEN = '123456789:AAHbadInputCaseToken0123456789abcdefg'
LIVE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'port': 18789, 'bind': 'loopback', 'auth': {'mode': 'none'}},
    'models': {'providers': {'anthropic': {'apiKey': 'sk-ant-api03-LiveKeyInClear-abcdefghijklmnopqrstuvwxyz'}}},
}
KEYS = 'openclaw_secrets_provider_keys'
TOKENS = 'openclaw_secrets_channel_tokens'
PROFILES = 'openclaw_secrets_auth_profiles'


def key(**more):
    entry = {'provider': 'anthropic', 'value': KEY}
    entry.update(more)
    return [entry]


CASES = {
    # Provider keys.
    'key-without-value': ({KEYS: [{'provider': 'anthropic'}]}, KEYS + '[0] needs value'),
    'key-too-short': ({KEYS: key(value='sk-short')}, KEYS + '[0] needs value'),
    'key-a-placeholder-reference': ({KEYS: key(value='${ANTHROPIC_API_KEY_FROM_ENV}')}, KEYS + '[0] needs value'),
    'key-a-secretref-string': ({KEYS: key(value='{"source": "env", "id": "ANTHROPIC"}')}, KEYS + '[0] needs value'),
    'key-with-spaces-around': ({KEYS: key(value=' %s ' % KEY)}, KEYS + '[0] needs value'),
    'key-without-provider': ({KEYS: [{'value': KEY}]}, KEYS + '[0] needs provider'),
    'key-provider-upper-case': ({KEYS: key(provider='Anthropic')}, KEYS + '[0] needs provider'),
    'key-unknown-class': ({KEYS: key(**{'class': 'staging'})}, KEYS + '[0] has class staging'),
    'key-unknown-delivery': ({KEYS: key(delivery='keyring')}, KEYS + '[0] has delivery keyring'),
    'key-bad-env-name': ({KEYS: key(delivery='env', env_name='anthropic-key')}, KEYS + '[0] has env_name'),
    'key-bad-date': ({KEYS: key(rotated_on='last week')}, KEYS + '[0] has rotated_on'),
    'key-not-a-mapping': ({KEYS: [KEY]}, "Elements value for option 'openclaw_secrets_provider_keys'"),
    'same-provider-twice': ({KEYS: key() + key(value=KEY[::-1])}, 'name the same provider'),
    # Channel tokens.
    'token-without-channel': ({TOKENS: [{'value': TOKEN}]}, TOKENS + '[0] needs channel'),
    'token-without-value': ({TOKENS: [{'channel': 'telegram'}]}, TOKENS + '[0] needs value'),
    'token-bad-key': ({TOKENS: [{'channel': 'telegram', 'key': 'bot.token', 'value': TOKEN}]}, TOKENS + '[0] has a key'),
    # Auth profiles are metadata only.
    'profile-with-a-key': ({PROFILES: [{'id': 'anthropic:default', 'provider': 'anthropic', 'mode': 'api_key',
                                        'apiKey': KEY}]}, PROFILES + '[0] (anthropic:default) has keys other than'),
    'profile-unknown-mode': ({PROFILES: [{'id': 'anthropic:default', 'provider': 'anthropic', 'mode': 'password'}]},
                             PROFILES + '[0] (anthropic:default) has mode password'),
    'profile-without-id': ({PROFILES: [{'provider': 'anthropic'}]}, PROFILES + '[0] needs an id'),
    # Role-wide settings (the argument spec, then the guards).
    'delivery-unknown': ({'openclaw_secrets_delivery': 'keyring'}, 'openclaw_secrets_delivery'),
    'keys-not-a-list': ({KEYS: KEY}, KEYS),
    'repos-relative': ({'openclaw_secrets_repos': ['dotfiles']}, 'openclaw_secrets_repos'),
    'max-age-zero': ({'openclaw_secrets_max_age_days': {'production': 0, 'development': 30}},
                     'openclaw_secrets_max_age_days'),
    'accepted-not-strings': ({'openclaw_secrets_scan_accepted': [{'file': 'x'}]}, 'openclaw_secrets_scan_accepted'),
}


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('secrets-bad-input')
    cases = dict((case, (helpers.state_home(root / case, LIVE), extra)) for case, (extra, message) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('secrets-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1], forbidden=(KEY, KEY[13:40], TOKEN, TOKEN[10:]))
