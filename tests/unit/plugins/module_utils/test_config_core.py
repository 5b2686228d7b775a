# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest
import yaml

from ansible_collections.clawfleet.openclaw.plugins.module_utils import config_core as core
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import (
    MASK, ConfigParseError, changes, delete_path, dumps, find_includes, get_path, is_secret_key,
    is_secret_ref, load_strict, looks_like_json5, looks_like_secret_value, merge, merge_all,
    redact, set_path,
)

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')

with open(os.path.join(FIXTURES, 'merge_cases.yml')) as handle:
    MERGE_CASES = yaml.safe_load(handle)

# Credential-shaped values, built here so that no file holds a literal one.
# None of them is real.
RANDOM_B64 = 'q7Xk2Lm9Pz4Rt8Vb1Nw6Yc3Hd5Jf0Gs-Ua_Ei7Ko2'    # 43 chars, url-safe
RANDOM_B64_STD = 'Zx8Qw3Er6Ty1Ui4Op7As2Df5Gh9Jk0Lz+Xc/Vb3Nm6=='
RANDOM_HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
SK_OPENAI = 'sk-' + 'Ab3dEf6hIj9kLm2nOp5qRs8t'
SK_ANTHROPIC = 'sk-ant-' + 'api03-' + 'Zy9xWv8uTs7rQp6oNm5lKj4i'
SK_OPENROUTER = 'sk-or-v1-' + 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
SK_PROJECT = 'sk-proj-' + 'Q1w2E3r4T5y6U7i8O9p0A1s2'
TELEGRAM = '123456789:' + 'AAH' + 'dQwErTyUiOpAsDfGhJkLzXcVbNm12345'
DISCORD = 'MTA5NzQ4OTI0NTY3ODkwMTIz' + '.GhIjKl.' + 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678'
SLACK_BOT = 'xoxb-' + '1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv'
SLACK_APP = 'xapp-' + '1-A0123456789-1234567890123-abcdef0123456789'
GITHUB = 'ghp_' + 'aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2'
AWS = 'AKIA' + 'IOSFODNN7EXAMPLE'

CREDENTIALS = [RANDOM_B64, RANDOM_B64_STD, RANDOM_HEX, SK_OPENAI, SK_ANTHROPIC, SK_OPENROUTER,
               SK_PROJECT, TELEGRAM, DISCORD, SLACK_BOT, SLACK_APP, GITHUB, AWS]

REF = {'source': 'env', 'provider': 'default', 'id': 'OPENCLAW_GATEWAY_TOKEN'}


# --------------------------------------------------------------------------
# merge
# --------------------------------------------------------------------------

@pytest.mark.parametrize('case', MERGE_CASES, ids=[c['name'] for c in MERGE_CASES])
def test_merge_cases(case):
    assert merge(case['base'], case['fragment']) == case['expected']


@pytest.mark.parametrize('case', MERGE_CASES, ids=[c['name'] for c in MERGE_CASES])
def test_merge_never_mutates_inputs(case):
    base = copy.deepcopy(case['base'])
    fragment = copy.deepcopy(case['fragment'])
    merge(base, fragment)
    assert base == case['base']
    assert fragment == case['fragment']


def test_merge_result_shares_nothing_with_inputs():
    base = {'gateway': {'auth': {'mode': 'token'}}, 'tools': {'deny': ['a']},
            'agents': {'list': [{'id': 'main', 'tools': {'deny': ['x']}}]}}
    fragment = {'browser': {'enabled': False}, 'commands': {'ownerAllowFrom': ['telegram:1']}}
    result = merge(base, fragment)
    result['gateway']['auth']['mode'] = 'none'
    result['tools']['deny'].append('b')
    result['agents']['list'][0]['tools']['deny'].append('y')
    result['browser']['enabled'] = True
    result['commands']['ownerAllowFrom'].append('telegram:2')
    assert base == {'gateway': {'auth': {'mode': 'token'}}, 'tools': {'deny': ['a']},
                    'agents': {'list': [{'id': 'main', 'tools': {'deny': ['x']}}]}}
    assert fragment == {'browser': {'enabled': False}, 'commands': {'ownerAllowFrom': ['telegram:1']}}


def test_merge_none_sides_count_as_empty():
    assert merge(None, {'a': 1}) == {'a': 1}
    assert merge({'a': 1}, None) == {'a': 1}


@pytest.mark.parametrize('base, fragment', [([], {}), ({}, []), ('x', {}), ({}, 'x')])
def test_merge_refuses_non_objects(base, fragment):
    with pytest.raises(TypeError, match='object'):
        merge(base, fragment)


def test_merge_all_applies_in_order_and_skips_none():
    base = {'gateway': {'bind': 'lan'}}
    fragments = [{'gateway': {'bind': 'loopback', 'port': 1}}, None, {'gateway': {'port': 18789}}]
    assert merge_all(base, fragments) == {'gateway': {'bind': 'loopback', 'port': 18789}}
    # a later fragment wins over an earlier one
    assert merge_all({}, [{'a': 1}, {'a': 2}]) == {'a': 2}
    assert merge_all({}, [{'a': 2}, {'a': 1}]) == {'a': 1}


def test_merge_all_id_lists_across_fragments():
    fragments = [
        {'agents': {'list': [{'id': 'main', 'tools': {'profile': 'messaging'}}]}},
        {'agents': {'list': [{'id': 'main', 'sandbox': {'mode': 'all'}}]}},
    ]
    assert merge_all({'agents': {'list': [{'id': 'main', 'name': 'Main'}]}}, fragments) == {
        'agents': {'list': [{'id': 'main', 'name': 'Main', 'tools': {'profile': 'messaging'},
                             'sandbox': {'mode': 'all'}}]}}


def test_merge_all_does_not_mutate():
    base = {'a': {'b': 1}}
    fragments = [{'a': {'c': 2}}]
    merge_all(base, fragments)
    assert base == {'a': {'b': 1}} and fragments == [{'a': {'c': 2}}]


def test_merge_all_empty_and_none_list():
    assert merge_all({'a': 1}, []) == {'a': 1}
    assert merge_all({'a': 1}, None) == {'a': 1}


@pytest.mark.parametrize('fragments', [{'a': 1}, 'x', [{'a': 1}, 'x'], [[]]])
def test_merge_all_refuses_wrong_types(fragments):
    with pytest.raises(TypeError):
        merge_all({}, fragments)


# --------------------------------------------------------------------------
# load_strict / looks_like_json5 / find_includes
# --------------------------------------------------------------------------

def test_load_strict_reads_an_object():
    assert load_strict('{"gateway": {"bind": "loopback"}}\n') == {'gateway': {'bind': 'loopback'}}
    assert load_strict(b'{"a": "\xc3\xa9"}') == {'a': u'\xe9'}
    assert load_strict(u'\ufeff{"a": 1}') == {'a': 1}


@pytest.mark.parametrize('text', ['', '   ', '\n\t\n'])
def test_load_strict_empty_is_empty_object(text):
    assert load_strict(text) == {}


@pytest.mark.parametrize('text, kind, line, col', [
    ('[1, 2]', 'an array', 1, 1),
    ('\n  "x"', 'a string', 2, 3),
    ('null', 'null', 1, 1),
    ('42', 'a number', 1, 1),
])
def test_load_strict_refuses_non_object_top_level(text, kind, line, col):
    with pytest.raises(ConfigParseError) as err:
        load_strict(text)
    assert 'top level is %s' % kind in str(err.value)
    assert (err.value.lineno, err.value.colno) == (line, col)
    assert 'line %d column %d' % (line, col) in str(err.value)


def test_load_strict_plain_error_has_position_and_no_json5_hint():
    text = '{\n  "gateway": {\n    "bind": "loopback"\n  \n'
    with pytest.raises(ConfigParseError) as err:
        load_strict(text)
    assert err.value.lineno == 5 and err.value.colno == 1
    assert 'line 5 column 1' in str(err.value)
    assert err.value.hint is None
    assert 'JSON5' not in str(err.value)


@pytest.mark.parametrize('text, line, col', [
    ('{\n  // my gateway\n  "gateway": {}\n}', 2, 3),
    ('{\n  "a": 1,\n  "b": [1, 2,],\n}', 3, 14),
    ('{\n  gateway: {}\n}', 2, 3),
    ("{\n  \"a\": 'single'\n}", 2, 8),
    ('{"a": 1 /* note */}', 1, 9),
])
def test_load_strict_json5_error_has_position_and_hint(text, line, col):
    with pytest.raises(ConfigParseError) as err:
        load_strict(text)
    assert (err.value.lineno, err.value.colno) == (line, col)
    assert 'line %d column %d' % (line, col) in str(err.value)
    assert 'the file may be JSON5 (comments or trailing commas)' in str(err.value)


@pytest.mark.parametrize('text', ['{"a": NaN}', '{"a": -Infinity}', '{"a": Infinity}'])
def test_load_strict_refuses_non_json_numbers(text):
    with pytest.raises(ConfigParseError, match='not valid JSON at line 1 column'):
        load_strict(text)


def test_load_strict_refuses_non_utf8():
    with pytest.raises(ConfigParseError, match='UTF-8'):
        load_strict(b'{"a": "\xff"}')


@pytest.mark.parametrize('text, expected', [
    ('{"a": 1}', False),
    ('{"url": "https://api.anthropic.com/v1", "glob": "/* x */", "q": "it\'s", "c": "a, }"}', False),
    ('{"escaped": "quote \\" // not a comment", "list": [1, 2]}', False),
    ('{"a": [true, false, null]}', False),
    ('{\n  // comment\n  "a": 1\n}', True),
    ('{"a": 1 /* block */}', True),
    ('{"a": 1,}', True),
    ('{"a": [1, 2, ]}', True),
    ('{"a": 1,\n\n}', True),
    ('{a: 1}', True),
    ('{"a": 1, $b: 2}', True),
    ('{"a": \'x\'}', True),
    ('not text at all', False),
    (None, False),
])
def test_looks_like_json5(text, expected):
    assert looks_like_json5(text) is expected


def test_find_includes():
    config = {
        '$include': 'base.json5',
        'agents': {'$include': ['agents.json5', 'more.json5']},
        'channels': {'telegram': {'enabled': True}},
        'models': {'providers': {'a': {'models': [{'id': 'm1', '$include': 'm1.json5'}]}}},
        'hooks': {'mappings': [{'path': '/x'}, {'$include': 'map.json5'}]},
    }
    assert find_includes(config) == [
        '$include',
        'agents.$include',
        'hooks.mappings[1].$include',
        'models.providers.a.models[id=m1].$include',
    ]
    assert find_includes({'gateway': {'bind': 'loopback'}}) == []


# --------------------------------------------------------------------------
# secrets
# --------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ({'source': 'env', 'provider': 'default', 'id': 'OPENCLAW_GATEWAY_TOKEN'}, True),
    ({'source': 'file', 'provider': 'gwfile', 'id': 'value'}, True),
    ({'source': 'exec', 'provider': 'vault', 'id': 'openclaw/gateway#token'}, True),
    ({'source': 'store', 'provider': 'default', 'id': 'TELEGRAM_BOT_TOKEN'}, True),
    ({'source': 'http', 'provider': 'default', 'id': 'X'}, False),
    ({'source': 'env', 'id': 'X'}, False),
    ({'source': 'env', 'provider': 'default', 'id': 'X', 'value': 'leak'}, False),
    ({'source': 'env', 'provider': 'default', 'id': 7}, False),
    ('${OPENCLAW_GATEWAY_TOKEN}', True),
    ('$OPENCLAW_GATEWAY_TOKEN', True),
    ('${A}', True),
    ('${lowercase}', False),
    ('$1ABC', False),
    ('${A' + 'B' * 128 + '}', False),
    ('prefix-${A}', False),
    ('${A}-suffix', False),
    ('plain', False),
    (None, False),
    (42, False),
    (['${A}'], False),
])
def test_is_secret_ref(value, expected):
    assert is_secret_ref(value) is expected


@pytest.mark.parametrize('name', [
    'token', 'password', 'apiKey', 'api_key', 'botToken', 'appToken', 'userToken', 'signingSecret',
    'secret', 'clientSecret', 'privateKey', 'accessToken', 'refreshToken', 'webhookSecret',
    'sessionSecret', 'TOKEN', 'gatewayToken', 'adminPassword', 'sharedSecret', 'openaiApiKey',
    'OPENAI_API_KEY', 'sshPrivateKey', 'private_key',
])
def test_is_secret_key_true(name):
    assert is_secret_key(name) is True


@pytest.mark.parametrize('name', [
    'maxTokens', 'contextTokens', 'tokens', 'mode', 'source', 'id', 'provider', 'secrets',
    'tokenFile', 'passwordFile', 'auth', 'dmPolicy', 'allowFrom', 'apiKeys', '', None, 3,
])
def test_is_secret_key_false(name):
    assert is_secret_key(name) is False


@pytest.mark.parametrize('value', CREDENTIALS)
def test_looks_like_secret_value_whole_credentials(value):
    assert looks_like_secret_value(value) is True


@pytest.mark.parametrize('value', [
    'Authorization: Bearer ' + SK_ANTHROPIC,
    'https://api.telegram.org/bot' + TELEGRAM + '/getMe',
    '--token=' + GITHUB,
    'AWS_ACCESS_KEY_ID=' + AWS,
    'slack ' + SLACK_BOT,
])
def test_looks_like_secret_value_embedded_tokens(value):
    assert looks_like_secret_value(value) is True


@pytest.mark.parametrize('value', [
    'loopback', 'OPENCLAW_GATEWAY_TOKEN', '${OPENCLAW_GATEWAY_TOKEN}', 'per-channel-peer',
    'https://api.anthropic.com', '~/.openclaw/logs/openclaw.log', 'telegram:123456789',
    'anthropic/claude-opus-4-5', 'anthropic-messages', 'claude-opus-4-5-20251101-thinking',
    '/home/Alice2/openclaw/workspaces/ProjectAlpha/notes',
    'var/lib/openclaw/agents/Coder2/workspace/projects',
    'sk-short', 'sk-learn-is-a-library', '1234:short', 'skills.workshop.autonomous.mode',
    'averyveryverylongsubdomainname.example.com', 'xoxb-', 'ghp_short', 'AKIA123',
    'deadbeef' * 3, 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnop', 'x' * 200,
    '', None, 123456789012345678901234567890,
])
def test_looks_like_secret_value_false(value):
    assert looks_like_secret_value(value) is False


def test_redact_secret_keys_nested_dicts_and_lists():
    data = {
        'gateway': {'auth': {'mode': 'token', 'token': 'short-literal', 'password': ''}},
        'hooks': {'token': 'shorttoken', 'path': '/hooks'},
        'channels': {'telegram': {'accounts': [
            {'name': 'work', 'botToken': 'not-shaped-but-secret', 'allowFrom': ['123']},
            {'name': 'home', 'botToken': '${TELEGRAM_HOME_TOKEN}'},
        ]}},
        'plugins': {'entries': {'x': {'config': {'clientSecret': ['one', 'two', ''],
                                                 'nested': {'apiKey': {'deep': 'value'}}}}}},
        'agents': {'defaults': {'maxTokens': 8000, 'contextTokens': 100000}},
        'models': {'providers': {'p': {'apiKey': 12345, 'token': True, 'password': None}}},
    }
    original = copy.deepcopy(data)
    result = redact(data)
    assert data == original
    assert result == {
        'gateway': {'auth': {'mode': 'token', 'token': MASK, 'password': ''}},
        'hooks': {'token': MASK, 'path': '/hooks'},
        'channels': {'telegram': {'accounts': [
            {'name': 'work', 'botToken': MASK, 'allowFrom': ['123']},
            {'name': 'home', 'botToken': '${TELEGRAM_HOME_TOKEN}'},
        ]}},
        'plugins': {'entries': {'x': {'config': {'clientSecret': [MASK, MASK, ''],
                                                 'nested': {'apiKey': {'deep': MASK}}}}}},
        'agents': {'defaults': {'maxTokens': 8000, 'contextTokens': 100000}},
        'models': {'providers': {'p': {'apiKey': 12345, 'token': True, 'password': None}}},
    }


def test_redact_value_shapes_anywhere():
    data = {
        'env': {'EXTRA': SK_OPENAI, 'LIST': ['plain', GITHUB]},
        'mcp': {'servers': [{'id': 's', 'args': ['--key', AWS, '--verbose']}]},
        'webhook': 'https://api.telegram.org/bot' + TELEGRAM + '/sendMessage',
        'notes': RANDOM_HEX,
        'gateway': {'bind': 'loopback', 'port': 18789},
    }
    assert redact(data) == {
        'env': {'EXTRA': MASK, 'LIST': ['plain', MASK]},
        'mcp': {'servers': [{'id': 's', 'args': ['--key', MASK, '--verbose']}]},
        'webhook': MASK,
        'notes': MASK,
        'gateway': {'bind': 'loopback', 'port': 18789},
    }


def test_redact_keeps_secret_refs_visible():
    data = {
        'gateway': {'auth': {'token': dict(REF)}},
        'channels': {'telegram': {'botToken': {'source': 'file', 'provider': 'f', 'id': '/tg/token'}}},
        'models': {'providers': {'a': {'apiKey': '${ANTHROPIC_API_KEY}'}}},
        'x': {'password': '$ADMIN_PASSWORD'},
    }
    assert redact(data) == data


def test_redact_dict_under_secret_key_that_is_not_a_ref_is_masked():
    data = {'gateway': {'auth': {'token': {'source': 'env', 'provider': 'default', 'id': 'X',
                                           'value': 'literal'}}}}
    assert redact(data)['gateway']['auth']['token'] == {
        'source': MASK, 'provider': MASK, 'id': MASK, 'value': MASK}


def test_redact_scalars_and_top_level_lists():
    assert redact('plain') == 'plain'
    assert redact(SK_OPENAI) == MASK
    assert redact(7) == 7
    assert redact(None) is None
    assert redact([{'token': 'abc'}, 'ok']) == [{'token': MASK}, 'ok']


# --------------------------------------------------------------------------
# changes
# --------------------------------------------------------------------------

def test_changes_add_change_remove_sorted():
    before = {'gateway': {'bind': 'lan', 'port': 18789, 'controlUi': {'allowInsecureAuth': True}},
              'logging': {'level': 'info'}}
    after = {'gateway': {'bind': 'loopback', 'port': 18789, 'auth': {'mode': 'token'}},
             'logging': {'level': 'info'}, 'browser': {'enabled': False}}
    assert changes(before, after) == [
        {'path': 'browser', 'action': 'add', 'before': None, 'after': {'enabled': False}},
        {'path': 'gateway.auth', 'action': 'add', 'before': None, 'after': {'mode': 'token'}},
        {'path': 'gateway.bind', 'action': 'change', 'before': 'lan', 'after': 'loopback'},
        {'path': 'gateway.controlUi', 'action': 'remove', 'before': {'allowInsecureAuth': True},
         'after': None},
    ]


def test_changes_identical_is_empty():
    config = {'a': {'b': [1, 2], 'c': {'d': None}}, 'agents': {'list': [{'id': 'x'}]}}
    assert changes(config, copy.deepcopy(config)) == []


def test_changes_none_counts_as_empty():
    assert changes(None, {'a': 1}) == [{'path': 'a', 'action': 'add', 'before': None, 'after': 1}]
    assert changes({'a': 1}, None) == [{'path': 'a', 'action': 'remove', 'before': 1, 'after': None}]


def test_changes_id_keyed_lists_item_by_item():
    before = {'agents': {'list': [
        {'id': 'main', 'tools': {'profile': 'full'}},
        {'id': 'old'},
    ]}}
    after = {'agents': {'list': [
        {'id': 'main', 'tools': {'profile': 'messaging'}},
        {'id': 'coder', 'tools': {'profile': 'coding'}},
    ]}}
    assert changes(before, after) == [
        {'path': 'agents.list[id=coder]', 'action': 'add', 'before': None,
         'after': {'id': 'coder', 'tools': {'profile': 'coding'}}},
        {'path': 'agents.list[id=main].tools.profile', 'action': 'change', 'before': 'full',
         'after': 'messaging'},
        {'path': 'agents.list[id=old]', 'action': 'remove', 'before': {'id': 'old'}, 'after': None},
    ]


def test_changes_id_list_from_empty():
    assert changes({'agents': {'list': []}}, {'agents': {'list': [{'id': 'a'}]}}) == [
        {'path': 'agents.list[id=a]', 'action': 'add', 'before': None, 'after': {'id': 'a'}}]


def test_changes_other_lists_compared_whole():
    before = {'tools': {'deny': ['a', 'b']}}
    after = {'tools': {'deny': ['b', 'a']}}
    assert changes(before, after) == [
        {'path': 'tools.deny', 'action': 'change', 'before': ['a', 'b'], 'after': ['b', 'a']}]


def test_changes_type_changes_and_bool_versus_number():
    assert changes({'a': 1}, {'a': True}) == [
        {'path': 'a', 'action': 'change', 'before': 1, 'after': True}]
    assert changes({'a': {'b': 1}}, {'a': 'x'}) == [
        {'path': 'a', 'action': 'change', 'before': {'b': 1}, 'after': 'x'}]


def test_changes_path_rule_for_odd_keys():
    before = {'auth': {'profiles': {'zai:default': {'mode': 'api_key'}}},
              'tools': {'byProvider': {'openai/gpt-5.1': {'deny': []}}}}
    after = {'auth': {'profiles': {'zai:default': {'mode': 'oauth'}}},
             'tools': {'byProvider': {'openai/gpt-5.1': {'deny': ['browser']}, 'has space': 1}},
             '': 2, 'agents': {'list': [{'id': 'we ird]', 'x': 1}]}}
    paths = [entry['path'] for entry in changes(before, after)]
    assert paths == sorted([
        '[""]',
        'agents',
        'auth.profiles.zai:default.mode',
        'tools.byProvider["has space"]',
        'tools.byProvider["openai/gpt-5.1"].deny',
    ])
    listed = changes({'agents': {'list': [{'id': 'we ird]'}]}}, {'agents': {'list': [{'id': 'we ird]', 'x': 1}]}})
    assert listed[0]['path'] == 'agents.list[id="we ird]"].x'


def test_changes_secret_scalar_masked_on_both_sides():
    old, new = 'old-gateway-secret-value', 'new-gateway-secret-value'
    result = changes({'gateway': {'auth': {'token': old}}}, {'gateway': {'auth': {'token': new}}})
    assert result == [{'path': 'gateway.auth.token', 'action': 'change', 'before': MASK,
                       'after': MASK}]
    dumped = json.dumps(result)
    assert old not in dumped and new not in dumped


def test_changes_secret_ref_swaps_are_shown():
    ref_b = dict(REF, id='OTHER_TOKEN')
    result = changes({'gateway': {'auth': {'token': dict(REF)}}},
                     {'gateway': {'auth': {'token': ref_b}}})
    assert result == [{'path': 'gateway.auth.token', 'action': 'change', 'before': REF,
                       'after': ref_b}]
    result = changes({'gateway': {'auth': {'token': 'literal-value'}}},
                     {'gateway': {'auth': {'token': dict(REF)}}})
    assert result == [{'path': 'gateway.auth.token', 'action': 'change', 'before': MASK,
                       'after': REF}]


def test_changes_never_leak_a_secret():
    secrets = ['literal-hook-token', 'my admin password', 'plain-bot-token'] + CREDENTIALS
    before = {
        'hooks': {'token': secrets[0]},
        'gateway': {'auth': {'mode': 'password', 'password': secrets[1]}},
        'channels': {'telegram': {'accounts': [{'id': 'a', 'botToken': secrets[2]}]}},
        'env': {'K%d' % i: value for i, value in enumerate(CREDENTIALS)},
        'mcp': {'args': list(CREDENTIALS)},
    }
    after = {
        'hooks': None,
        'gateway': {'auth': {'mode': 'token', 'token': dict(REF)}},
        'channels': {'telegram': {'accounts': [{'id': 'a', 'botToken': 'changed-' + secrets[2]},
                                               {'id': 'b', 'botToken': secrets[2]}]}},
        # every credential moves to the next key: changes on both sides
        'env': {'K%d' % i: value for i, value in enumerate(CREDENTIALS[1:] + CREDENTIALS[:1])},
        'mcp': {'args': list(reversed(CREDENTIALS))},
        'added': {'clientSecret': secrets[0], 'list': [{'password': secrets[1]}]},
        # a credential used as an object key
        'keyed': {TELEGRAM: {'enabled': True}},
    }
    result = changes(before, after)
    assert result, 'the configs differ, so there must be changes'
    dumped = json.dumps(result)
    for secret in secrets:
        assert secret not in dumped
    assert len([e for e in result if e['path'].startswith('env.')]) == len(CREDENTIALS)
    assert MASK in dumped


# --------------------------------------------------------------------------
# dumps and paths
# --------------------------------------------------------------------------

def test_dumps_format():
    text = dumps({'b': {'x': u'\xe9'}, 'a': [1]})
    assert text == u'{\n  "b": {\n    "x": "\xe9"\n  },\n  "a": [\n    1\n  ]\n}\n'
    assert json.loads(text) == {'b': {'x': u'\xe9'}, 'a': [1]}


def test_get_path():
    config = {'gateway': {'auth': {'mode': 'token'}, 'bind': 'loopback'}, 'x.y': {'z': 1}}
    assert get_path(config, 'gateway.auth.mode') == 'token'
    assert get_path(config, 'gateway.bind') == 'loopback'
    assert get_path(config, 'gateway.missing.deeper') is None
    assert get_path(config, 'gateway.bind.deeper', default='d') == 'd'
    assert get_path(config, ['x.y', 'z']) == 1


def test_set_path_creates_objects():
    config = {'gateway': {'bind': 'lan'}}
    set_path(config, 'gateway.bind', 'loopback')
    set_path(config, 'gateway.controlUi.enabled', False)
    set_path(config, 'browser.enabled', False)
    assert config == {'gateway': {'bind': 'loopback', 'controlUi': {'enabled': False}},
                      'browser': {'enabled': False}}


def test_set_path_refuses_to_overwrite_a_scalar_on_the_way():
    config = {'tools': {'exec': 'deny'}}
    with pytest.raises(ValueError, match='tools.exec is a string'):
        set_path(config, 'tools.exec.mode', 'deny')
    assert config == {'tools': {'exec': 'deny'}}


def test_delete_path():
    config = {'gateway': {'controlUi': {'allowInsecureAuth': True, 'enabled': True}}, 'a': 1}
    assert delete_path(config, 'gateway.controlUi.allowInsecureAuth') is True
    assert delete_path(config, 'gateway.controlUi.allowInsecureAuth') is False
    assert delete_path(config, 'gateway.nothing.here') is False
    assert delete_path(config, 'a') is True
    assert config == {'gateway': {'controlUi': {'enabled': True}}}


@pytest.mark.parametrize('bad', ['', None, 5])
def test_paths_must_be_given(bad):
    with pytest.raises(ValueError):
        get_path({}, bad)


def test_module_header_is_python36_compatible():
    # module_utils run on targets: no walrus, no dataclasses, the usual header.
    with open(core.__file__) as handle:
        source = handle.read()
    assert 'from __future__ import absolute_import, division, print_function' in source
    assert '__metaclass__ = type' in source
    assert ':=' not in source and 'dataclass' not in source


def test_redact_masks_credential_shaped_keys():
    data = {'accounts': {TELEGRAM: {'enabled': True}, GITHUB: {'enabled': False}, 'plain': 1}}
    result = redact(data)
    assert result == {'accounts': {MASK: {'enabled': True}, MASK + '#2': {'enabled': False},
                                   'plain': 1}}
    assert TELEGRAM not in json.dumps(result) and GITHUB not in json.dumps(result)


def test_redact_returns_a_copy():
    data = {'gateway': {'auth': {'token': dict(REF)}}, 'tools': {'deny': ['a']}}
    result = redact(data)
    result['gateway']['auth']['token']['id'] = 'CHANGED'
    result['tools']['deny'].append('b')
    assert data == {'gateway': {'auth': {'token': dict(REF)}}, 'tools': {'deny': ['a']}}
