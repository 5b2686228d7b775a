# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Channel access: tool exposure per agent, the guard's refusals, the rendered fragment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import channels
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import merge

# The tools role's defaults (the guide's messaging baseline) plus two agents.
BASELINE = {
    'profile': 'messaging',
    'deny': ['group:automation', 'group:runtime', 'group:fs', 'sessions_spawn', 'sessions_send'],
    'exec_mode': 'deny',
    'agents': [
        {'id': 'monitor', 'profile': 'messaging', 'deny': ['group:runtime', 'group:fs']},
        {'id': 'coder', 'profile': 'coding', 'exec_ask': 'always'},
    ],
}


@pytest.mark.parametrize('agent, tools, expected', [
    ('main', BASELINE, []),
    ('monitor', BASELINE, []),
    # The global deny still applies to the coder, and its exec mode is the global deny.
    ('coder', BASELINE, []),
    ('coder', dict(BASELINE, deny=[]), ['group:fs', 'group:runtime']),
    ('coder', dict(BASELINE, deny=[], exec_mode=None), ['exec', 'group:fs', 'group:runtime']),
    ('main', {'profile': 'coding'}, ['exec', 'group:fs', 'group:runtime']),
    ('main', {'profile': 'coding', 'exec_mode': 'deny'}, ['group:fs', 'group:runtime']),
    ('main', {'profile': 'full', 'deny': ['group:fs', 'group:runtime']}, []),
    ('main', {'profile': 'coding', 'deny': ['bash', 'process', 'code_execution']}, ['group:fs']),
    ('main', {'profile': 'messaging', 'allow': ['read']}, ['group:fs']),
    ('main', {'profile': 'minimal', 'agents': [{'id': 'main', 'allow': ['exec']}]}, ['exec']),
    ('main', {'profile': 'messaging', 'agents': [{'id': 'main', 'allow': ['group:runtime']}]},
     ['exec', 'group:runtime']),
    # An unset profile filters nothing, like OpenClaw's.
    ('main', {}, ['exec', 'group:fs', 'group:runtime']),
    ('main', {'profile': 'coding', 'deny': ['*']}, []),
    # Unknown policy counts as everything.
    ('main', None, ['exec', 'group:fs', 'group:runtime']),
])
def test_agent_tool_exposure(agent, tools, expected):
    assert channels.agent_tool_exposure(agent, tools) == expected


def refusals(settings, tools='baseline', known=('monitor', 'coder'), extra=None):
    return channels.channel_refusals(settings, tools=BASELINE if tools == 'baseline' else tools, default_agent='main',
                                     known_agents=list(known), extra_bindings=extra)


def test_safe_settings_pass():
    assert refusals({
        'telegram': {'allow_from': ['123456789'], 'groups': ['-1001234567890'], 'agent': 'coder'},
        'whatsapp': {'enabled': False},
        'signal': {'dm_policy': 'pairing'},
        'discord': {'allow_from': ['234567890123456789'], 'groups': ['1111/2222', '3333']},
        'slack': {'dm_policy': 'disabled', 'groups': ['C0123'], 'group_senders': ['U0456']},
    }) == []


def test_open_dm_in_front_of_a_coding_agent_names_channel_agent_and_tools():
    tools = dict(BASELINE, deny=[])
    problems = refusals({'discord': {'dm_policy': 'open', 'agent': 'coder'}}, tools=tools)
    assert len(problems) == 1
    for text in ('openclaw_channels_discord', 'channel discord', "agent 'coder'", 'group:fs', 'group:runtime',
                 'open_acknowledged'):
        assert text in problems[0]


def test_open_group_policy_in_front_of_the_default_agent_with_unknown_tools():
    problems = refusals({'slack': {'dm_policy': 'disabled', 'group_policy': 'open'}}, tools=None)
    assert len(problems) == 1 and 'group_policy is open' in problems[0] and "agent 'main'" in problems[0]
    assert 'exec' in problems[0]


def test_open_policy_acknowledged_for_that_channel_passes():
    assert refusals({'telegram': {'dm_policy': 'open', 'open_acknowledged': True}}, tools=None) == []


def test_open_dm_on_a_messaging_agent_passes():
    assert refusals({'telegram': {'dm_policy': 'open', 'agent': 'monitor'}}) == []


def test_an_extra_route_to_a_coding_agent_counts():
    tools = dict(BASELINE, deny=[])
    extra = [{'agentId': 'coder', 'match': {'channel': 'telegram', 'peer': {'kind': 'direct', 'id': '42'}}}]
    problems = refusals({'telegram': {'dm_policy': 'open', 'agent': 'monitor'}}, tools=tools, extra=extra)
    assert len(problems) == 1 and "agent 'coder'" in problems[0]


@pytest.mark.parametrize('settings, expected', [
    ({'telegram': {'allow_from': ['*']}}, 'openclaw_channels_telegram.allow_from holds "*"'),
    ({'telegram': {'allow_from': ['@me']}}, 'Telegram matches numeric user ids only'),
    ({'telegram': {'allow_from': []}}, 'empty allow_from lets nobody in'),
    ({'telegram': {'allow_from': '123'}}, 'must be a list of ids'),
    ({'signal': {'allow_from': ['+15550001'], 'groups': ['g1'], 'group_senders': ['*']}}, 'group_senders holds "*"'),
    ({'whatsapp': {'allow_from': ['+15550001'], 'groups': ['*']}}, 'would admit every group'),
    ({'discord': {'allow_from': ['1'], 'groups': ['1/2/3']}}, 'is not "<guild id>" or "<guild id>/<channel id>"'),
    ({'slack': {'allow_from': ['U1'], 'group_policy': 'allowlist'}}, 'group_policy allowlist needs the group ids'),
    ({'slack': {'allow_from': ['U1'], 'groups': ['C1'], 'group_policy': 'disabled'}}, 'remove one of the two'),
    ({'slack': {'dm_policy': 'disabled', 'groups': ['C1']}}, 'nobody may trigger the bot there'),
    ({'telegram': {'allow_from': ['1'], 'groups': ['-1'], 'require_mention': False}}, 'no_mention_acknowledged'),
    ({'telegram': {'allow_from': ['1'], 'dm_policy': 'everyone'}}, 'dm_policy must be one of'),
    ({'telegram': {'allow_from': ['1'], 'group_policy': 'all'}}, 'group_policy must be one of'),
    ({'telegram': {'allow_from': ['1'], 'enabled': 'yes'}}, 'enabled must be true or false'),
    ({'telegram': {'allow_from': ['1'], 'bot_token': 'x'}}, 'openclaw_secrets_channel_tokens'),
    ({'telegram': {'allow_from': ['1'], 'dmpolicy': 'open'}}, 'unknown setting(s) dmpolicy'),
    ({'telegram': {'allow_from': ['1'], 'agent': 'Coder!'}}, 'must be an agent id'),
    ({'telegram': {'allow_from': ['1'], 'agent': 'writer'}}, "'writer' is not an agent the inventory declares"),
    ({'matrix': {'allow_from': ['1']}}, "channel 'matrix' is not one this role manages"),
    ({'telegram': ['1']}, 'must be a dict of channel settings'),
])
def test_refusals(settings, expected):
    problems = refusals(settings)
    assert any(expected in problem for problem in problems), problems


def test_a_disabled_channel_may_have_no_allowlist():
    assert refusals({'whatsapp': {'enabled': False}}) == []


def test_fragment_for_every_channel():
    fragment = channels.channels_fragment({
        'telegram': {'allow_from': [123456789], 'groups': ['-100123'], 'agent': 'coder'},
        'whatsapp': {'enabled': False},
        'signal': {'dm_policy': 'pairing'},
        'discord': {'allow_from': ['42'], 'groups': ['1111/2222', '1111/3333', '4444'], 'require_mention': True},
        'slack': {'dm_policy': 'disabled', 'groups': ['C1'], 'group_senders': ['U9']},
    }, unlisted=['telegram', 'matrix'], unlisted_mode='disable')
    config = fragment['channels']
    assert config['telegram'] == {
        'enabled': True, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789'], 'groupPolicy': 'allowlist',
        'groups': {'$replace': True, '-100123': {'requireMention': True}}, 'groupAllowFrom': ['123456789']}
    assert config['whatsapp'] == {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': None,
                                  'groupPolicy': 'disabled', 'groups': None, 'groupAllowFrom': None}
    assert config['signal']['dmPolicy'] == 'pairing' and config['signal']['allowFrom'] is None
    assert config['discord']['guilds'] == {
        '$replace': True,
        '1111': {'requireMention': True, 'users': ['42'],
                 'channels': {'2222': {'requireMention': True}, '3333': {'requireMention': True}}},
        '4444': {'requireMention': True, 'users': ['42']}}
    assert config['discord']['dm'] == {'policy': None, 'allowFrom': None}
    assert 'groupAllowFrom' not in config['discord']
    assert config['slack']['channels'] == {'$replace': True, 'C1': {'requireMention': True, 'users': ['U9']}}
    assert config['slack']['requireMention'] is True and config['slack']['groupPolicy'] == 'allowlist'
    assert config['matrix'] == {'enabled': False, 'dmPolicy': 'disabled', 'groupPolicy': 'disabled'}
    assert fragment['bindings'] == [{'agentId': 'coder', 'comment': 'clawfleet.openclaw channels role',
                                     'match': {'channel': 'telegram', 'accountId': '*'}}]


def test_unlisted_channels_kept_and_routes_left_alone():
    fragment = channels.channels_fragment({'telegram': {'allow_from': ['1']}}, unlisted=['signal'],
                                          unlisted_mode='keep')
    assert set(fragment['channels']) == {'telegram'} and 'bindings' not in fragment


def test_no_channels_no_fragment_keys():
    assert channels.channels_fragment({}, unlisted=[]) == {}


def test_merge_into_a_lived_in_config_keeps_account_data_and_drops_stale_groups():
    live = {'channels': {'telegram': {'enabled': True, 'botToken': {'source': 'file', 'provider': 'tg', 'id': 'value'},
                                      'dmPolicy': 'open', 'allowFrom': ['*'], 'groupPolicy': 'open',
                                      'groups': {'*': {'requireMention': True}}, 'accounts': {'work': {}}},
                         'discord': {'token': 'x', 'dm': {'policy': 'open', 'allowFrom': ['*'], 'enabled': True}}}}
    fragment = channels.channels_fragment({'telegram': {'allow_from': ['1'], 'enabled': False}}, unlisted=['discord'])
    merged = merge(live, fragment)
    telegram = merged['channels']['telegram']
    assert telegram['enabled'] is False and telegram['botToken']['provider'] == 'tg' and 'work' in telegram['accounts']
    assert 'groups' not in telegram and telegram['groupPolicy'] == 'disabled' and telegram['allowFrom'] == ['1']
    assert merged['channels']['discord']['token'] == 'x' and merged['channels']['discord']['enabled'] is False
