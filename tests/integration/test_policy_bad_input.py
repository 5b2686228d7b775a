"""Bad inventory values for the tools and agents roles are refused before the host is touched.

Each case is a host of one real ``ansible-playbook`` run
(``helpers.Refusals``) with one of the two roles against
this machine, with a throwaway state folder holding a live openclaw.json with a
broad tool policy. Each must fail, name the variable, and leave every byte
of the folder as it was.
"""

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('policy_local.yml')
LIVE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'port': 18789, 'bind': 'loopback', 'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}},
    'tools': {'profile': 'full', 'exec': {'security': 'full', 'ask': 'off'}, 'elevated': {'enabled': True}},
    'agents': {'entries': {'coder': {'workspace': '~/code'}}},
    'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
}
MONITOR_OPUS = {'id': 'monitor', 'model': 'anthropic/claude-opus-4-5', 'background': True}

# case: (role, extra vars, variable the refusal must name)
CASES = {
    # tools
    'tools-unknown-profile': ('tools', {'openclaw_tools_profile': 'everything'}, 'openclaw_tools_profile'),
    'tools-coding-profile-for-every-agent': ('tools', {'openclaw_tools_profile': 'coding'},
                                             'openclaw_tools_broad_default_acknowledged'),
    'tools-full-profile-for-every-agent': ('tools', {'openclaw_tools_profile': 'full'},
                                           'openclaw_tools_broad_default_acknowledged'),
    'tools-exec-for-every-agent': ('tools', {'openclaw_tools_exec_mode': 'full'}, 'openclaw_tools_exec_mode'),
    'tools-unknown-exec-mode': ('tools', {'openclaw_tools_exec_mode': 'yolo'}, 'openclaw_tools_exec_mode'),
    'tools-files-outside-workspace': ('tools', {'openclaw_tools_fs_workspace_only': False},
                                      'openclaw_tools_fs_workspace_only'),
    'tools-sessions-of-every-agent': ('tools', {'openclaw_tools_sessions_visibility': 'all'},
                                      'openclaw_tools_sessions_visibility'),
    'tools-elevated-not-acknowledged': ('tools', {'openclaw_tools_elevated_enabled': True},
                                        'openclaw_tools_elevated_acknowledged'),
    'tools-agent-without-id': ('tools', {'openclaw_tools_agents': [{'profile': 'coding'}]}, 'openclaw_tools_agents'),
    'tools-agent-id-twice': ('tools', {'openclaw_tools_agents': [{'id': 'coder', 'profile': 'coding'},
                                                                 {'id': 'coder', 'exec_ask': 'always'}]},
                             'openclaw_tools_agents'),
    'tools-agent-id-not-accepted-by-openclaw': ('tools', {'openclaw_tools_agents': [{'id': 'Coder Bot'}]},
                                                'openclaw_tools_agents'),
    'tools-agent-unknown-profile': ('tools', {'openclaw_tools_agents': [{'id': 'coder', 'profile': 'root'}]},
                                    'openclaw_tools_agents'),
    'tools-agent-exec-mode-and-ask': ('tools', {'openclaw_tools_agents': [{'id': 'coder', 'exec_mode': 'allowlist',
                                                                           'exec_ask': 'always'}]},
                                      'openclaw_tools_agents'),
    'tools-agents-not-a-list': ('tools', {'openclaw_tools_agents': 'coder'}, 'openclaw_tools_agents'),
    # agents
    'agents-concurrency-zero': ('agents', {'openclaw_agents_max_concurrent': 0}, 'openclaw_agents_max_concurrent'),
    'agents-concurrency-not-a-number': ('agents', {'openclaw_agents_max_concurrent': 'lots'},
                                        'openclaw_agents_max_concurrent'),
    'agents-subagent-concurrency-too-high': ('agents', {'openclaw_agents_subagents_max_concurrent': 64},
                                             'openclaw_agents_subagents_max_concurrent'),
    'agents-premium-model-on-background-agent': ('agents', {'openclaw_agents_roster': [MONITOR_OPUS]},
                                                 'openclaw_agents_premium_background_acknowledged'),
    'agents-premium-fallback-on-background-agent': (
        'agents', {'openclaw_agents_roster': [{'id': 'cron', 'model': 'budget/glm-5.1', 'background': True,
                                               'fallbacks': ['openai/gpt-5.2-pro']}]},
        'openclaw_agents_premium_background_acknowledged'),
    'agents-premium-acknowledged-for-another-agent': (
        'agents', {'openclaw_agents_roster': [{'id': 'monitor', 'model': 'openai/o3-pro', 'background': True}],
                   'openclaw_agents_premium_background_acknowledged': ['coder']},
        'openclaw_agents_premium_models'),
    'agents-premium-heartbeat-model': (
        'agents', {'openclaw_agents_roster': [{'id': 'coder', 'model': 'anthropic/claude-opus-4-5',
                                               'heartbeat_model': 'anthropic/claude-opus-4-5'}]},
        'openclaw_agents_premium_background_acknowledged'),
    'agents-roster-without-id': ('agents', {'openclaw_agents_roster': [{'model': 'budget/glm-5.1'}]},
                                 'openclaw_agents_roster'),
    'agents-roster-id-twice': ('agents', {'openclaw_agents_roster': [{'id': 'monitor'}, {'id': 'monitor'}]},
                               'openclaw_agents_roster'),
    'agents-model-cost-without-name': ('agents', {'openclaw_agents_model_costs': [
        {'provider': 'budget', 'id': 'glm-5.1', 'cost': {'input': 1.2, 'output': 4}}]}, 'openclaw_agents_model_costs'),
    'agents-model-cost-negative': ('agents', {'openclaw_agents_model_costs': [
        {'provider': 'budget', 'id': 'glm-5.1', 'name': 'GLM 5.1', 'cost': {'input': -1, 'output': 4}}]},
        'openclaw_agents_model_costs'),
    'agents-model-cost-as-text': ('agents', {'openclaw_agents_model_costs': [
        {'provider': 'budget', 'id': 'glm-5.1', 'name': 'GLM 5.1', 'cost': {'input': '1.2', 'output': 4}}]},
        'openclaw_agents_model_costs'),
    'agents-model-listed-twice': ('agents', {'openclaw_agents_model_costs': [
        {'provider': 'budget', 'id': 'glm-5.1', 'name': 'GLM 5.1', 'cost': {'input': 1.2, 'output': 4}},
        {'provider': 'budget', 'id': 'glm-5.1', 'name': 'GLM 5.1 again', 'cost': {'input': 1, 'output': 3}}]},
        'openclaw_agents_model_costs'),
}


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('policy-bad-input')
    cases = dict((case, (helpers.state_home(root / case, LIVE), dict(extra, policy_roles=[role]))) for case, (role, extra, variable) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp', ANSIBLE_DISPLAY_SKIPPED_HOSTS='0'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('policy-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][2])
