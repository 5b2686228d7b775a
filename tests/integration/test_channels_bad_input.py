"""Bad channel settings are refused before the host is touched.

Every case is a host of one real ``ansible-playbook`` run of the tools and
channels roles against this machine (``helpers.Refusals``), with a throwaway
state folder of its own holding an openclaw.json
whose Telegram channel is wide open. The run must fail, name the variable (and,
for the open-policy guard, the channel, the agent and the tool group), and
leave every byte of the folder as it was.
"""
import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('channels_local.yml')
TG = 'openclaw_channels_telegram'
CODER_TOOLS = {'openclaw_tools_deny': [], 'openclaw_tools_exec_mode': 'ask'}

CASES = {
    # The guard: open policies in front of an agent that can run commands or touch files.
    'open-dm-before-coder': (dict(CODER_TOOLS, openclaw_channels_discord={'dm_policy': 'open', 'agent': 'coder'}),
                             ["openclaw_channels_discord", "channel discord", "agent 'coder'", 'exec, group:fs, group:runtime']),
    'open-groups-before-coder': (dict(CODER_TOOLS, openclaw_channels_slack={
        'dm_policy': 'disabled', 'groups': ['C0123'], 'group_senders': ['U1'], 'group_policy': 'open', 'agent': 'coder'}),
        ['group_policy is open on channel slack', "agent 'coder'"]),
    'open-dm-default-agent-coding-profile': ({'openclaw_tools_profile': 'coding', 'openclaw_tools_broad_default_acknowledged': True,
                                              'openclaw_tools_deny': [], TG: {'dm_policy': 'open'}},
                                             ['channel telegram', "agent 'main'", 'group:fs']),
    'extra-route-to-coder': (dict(CODER_TOOLS, **{TG: {'dm_policy': 'open', 'agent': 'monitor'},
                                                  'openclaw_channels_extra_bindings': [
                                                      {'agentId': 'coder', 'match': {'channel': 'telegram'}}]}),
                             ["agent 'coder'", 'channel telegram']),
    # Malformed or unsafe values.
    'wildcard-allow-from': ({TG: {'allow_from': ['*']}}, [TG + '.allow_from holds "*"']),
    'telegram-username': ({TG: {'allow_from': ['@me']}}, ['numeric user ids only']),
    'allowlist-without-ids': ({TG: {}, 'openclaw_channels_whatsapp': {'dm_policy': 'allowlist'}},
                              ['openclaw_channels_whatsapp: dm_policy allowlist with an empty allow_from']),
    'wildcard-group': ({'openclaw_channels_signal': {'allow_from': ['+15550001'], 'groups': ['*']}},
                       ['openclaw_channels_signal.groups']),
    'mentions-off': ({TG: {'allow_from': ['1'], 'groups': ['-100'], 'require_mention': False}},
                     ['no_mention_acknowledged']),
    'bot-token-in-settings': ({TG: {'allow_from': ['1'], 'bot_token': 'molecule-not-a-real-token-41b2'}},
                              [TG]),
    'unknown-agent': ({TG: {'allow_from': ['1'], 'agent': 'writer'}}, ["'writer' is not an agent the inventory declares"]),
    'dm-policy-unknown': ({TG: {'allow_from': ['1'], 'dm_policy': 'everyone'}}, [TG]),
    'settings-a-list': ({TG: ['123']}, [TG]),
    'discord-group-malformed': ({'openclaw_channels_discord': {'allow_from': ['1'], 'groups': ['1/2/3']}},
                                ['openclaw_channels_discord.groups']),
    'unlisted-mode-unknown': ({'openclaw_channels_unlisted': 'delete'}, ['openclaw_channels_unlisted']),
    'extra-binding-without-match': ({'openclaw_channels_extra_bindings': [{'agentId': 'coder'}]},
                                    ['openclaw_channels_extra_bindings']),
    'default-agent-malformed': ({'openclaw_channels_default_agent': 'Main Agent'}, ['openclaw_channels_default_agent']),
}

LIVE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'bind': 'loopback'},
    'channels': {'telegram': {'enabled': True, 'botToken': '${TELEGRAM_BOT_TOKEN}', 'dmPolicy': 'open',
                              'allowFrom': ['*'], 'groups': {'*': {'requireMention': True}}}},
}


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('channels-bad-input')
    cases = dict((case, (helpers.state_home(root / case, LIVE, state_mode=0o700), extra)) for case, (extra, expected) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('channels-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    extra, expected = CASES[case]
    refusal = refused.assert_refused(case, expected[0], forbidden=['molecule-not-a-real-token-41b2'])
    for text in expected[1:]:
        assert text in refusal, refusal
