"""Bad surface settings are refused before the host is touched.

Each case is a host of one real ``ansible-playbook`` run
(``helpers.Refusals``) with the surface role against this
machine, with a throwaway state folder holding an openclaw.json with an open
attack surface (mDNS full mode, webhooks at "/" with a short token in clear,
the browser on) and a .env of the user's. Each must fail, name the variable
in the refusal itself, and leave every byte of the folder as it was.
"""
import os

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('surface_local.yml')
UNSAFE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'port': 18789, 'bind': 'loopback',
                'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'},
                'nodes': {'commands': {'allow': ['camera.snap'], 'deny': ['system.run *']}}},
    'discovery': {'mdns': {'mode': 'full'}},
    'browser': {'enabled': True},
    'hooks': {'enabled': True, 'token': 'shorttoken', 'path': '/', 'allowRequestSessionKey': True},
    'skills': {'workshop': {'autonomous': {'mode': 'auto'}}},
    'session': {'dmScope': 'main'},
}
TOKEN = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0'
HOOKS = {'openclaw_surface_hooks_enabled': True, 'openclaw_surface_hooks_token': TOKEN}

# case: (extra vars, variable the refusal must name)
CASES = {
    # Types and choices (argument validation).
    'mdns-unknown-mode': ({'openclaw_surface_mdns_mode': 'loud'}, 'openclaw_surface_mdns_mode'),
    'dm-scope-unknown': ({'openclaw_surface_dm_scope': 'per-user'}, 'openclaw_surface_dm_scope'),
    'browser-not-a-bool': ({'openclaw_surface_browser_enabled': 'perhaps'}, 'openclaw_surface_browser_enabled'),
    'workshop-yaml-boolean-true': ({'openclaw_surface_skills_workshop_autonomous': True},
                                   'openclaw_surface_skills_workshop_autonomous'),
    'approval-unknown': ({'openclaw_surface_skills_workshop_approval': 'never'},
                         'openclaw_surface_skills_workshop_approval'),
    'hooks-agents-a-mapping': ({'openclaw_surface_hooks_allowed_agent_ids': {'main': True}},
                               'openclaw_surface_hooks_allowed_agent_ids'),
    'web-search-provider-not-an-id': ({'openclaw_surface_web_search_provider': 'Brave Search'},
                                      'openclaw_surface_web_search_provider'),
    # Risky settings without their acknowledgement.
    'mdns-full-not-acknowledged': ({'openclaw_surface_mdns_mode': 'full'}, 'openclaw_surface_mdns_full_acknowledged'),
    'dm-scope-main-not-acknowledged': ({'openclaw_surface_dm_scope': 'main'},
                                       'openclaw_surface_dm_scope_main_acknowledged'),
    'mcp-apps-not-acknowledged': ({'openclaw_surface_mcp_apps_enabled': True}, 'openclaw_surface_mcp_apps_acknowledged'),
    'workshop-auto-not-acknowledged': ({'openclaw_surface_skills_workshop_autonomous': 'auto'},
                                       'openclaw_surface_skills_autonomy_acknowledged'),
    'workshop-approval-auto-not-acknowledged': ({'openclaw_surface_skills_workshop_approval': 'auto'},
                                                'openclaw_surface_skills_autonomy_acknowledged'),
    'dangerous-node-command-not-acknowledged': ({'openclaw_surface_node_commands_allow': ['system.notify', 'camera.snap']},
                                                'openclaw_surface_node_commands_acknowledged'),
    'dangerous-http-tool-not-acknowledged': ({'openclaw_surface_gateway_http_tools_allow': ['Exec']},
                                             'openclaw_surface_gateway_http_tools_acknowledged'),
    # Webhooks.
    'hooks-path-root': ({'openclaw_surface_hooks_path': '/'}, 'openclaw_surface_hooks_path'),
    'hooks-path-relative': ({'openclaw_surface_hooks_path': 'hooks'}, 'openclaw_surface_hooks_path'),
    'hooks-path-trailing-slash': ({'openclaw_surface_hooks_path': '/hooks/'}, 'openclaw_surface_hooks_path'),
    'hooks-enabled-without-token': ({'openclaw_surface_hooks_enabled': True}, 'openclaw_surface_hooks_token'),
    'hooks-token-short': ({'openclaw_surface_hooks_enabled': True, 'openclaw_surface_hooks_token': 'x' * 23},
                          'openclaw_surface_hooks_token'),
    'hooks-token-a-reference': (dict(HOOKS, openclaw_surface_hooks_token='${OPENCLAW_HOOKS_TOKEN_FROM_SOMEWHERE}'),
                                'openclaw_surface_hooks_token'),
    'hooks-token-a-secretref': (dict(HOOKS, openclaw_surface_hooks_token={
        'source': 'env', 'provider': 'default', 'id': 'OPENCLAW_HOOKS_TOKEN'}), 'openclaw_surface_hooks_token'),
    'hooks-token-with-a-space': (dict(HOOKS, openclaw_surface_hooks_token=TOKEN[:20] + ' ' + TOKEN[20:]),
                                 'openclaw_surface_hooks_token'),
    'hooks-token-is-the-gateway-token': (dict(HOOKS, openclaw_gateway_token=TOKEN), 'openclaw_surface_hooks_token'),
    'hooks-agents-wildcard': (dict(HOOKS, openclaw_surface_hooks_allowed_agent_ids=['*']),
                              'openclaw_surface_hooks_allowed_agent_ids'),
    'hooks-session-key-with-space': ({'openclaw_surface_hooks_default_session_key': 'hook ingress'},
                                     'openclaw_surface_hooks_default_session_key'),
    # Command owners.
    'owners-a-string': ({'openclaw_surface_command_owners': 'telegram:123456789'}, 'openclaw_surface_command_owners'),
    'owners-bare-id': ({'openclaw_surface_command_owners': ['123456789']}, 'openclaw_surface_command_owners'),
    'owners-wildcard': ({'openclaw_surface_command_owners': ['telegram:*']}, 'openclaw_surface_command_owners'),
    'owners-older-user-form': ({'openclaw_surface_command_owners': ['telegram:user:123456789']},
                               'openclaw_surface_command_owners'),
    # Plugins and skills.
    'plugins-allow-empty': ({'openclaw_surface_plugins_allow': []}, 'openclaw_surface_plugins_allow'),
    'plugins-allow-a-string': ({'openclaw_surface_plugins_allow': 'anthropic,telegram'}, 'openclaw_surface_plugins_allow'),
    'plugins-allow-bad-id': ({'openclaw_surface_plugins_allow': ['Anthropic Provider']}, 'openclaw_surface_plugins_allow'),
    'browser-left-out-of-plugin-allowlist': ({'openclaw_surface_browser_enabled': True,
                                              'openclaw_surface_plugins_allow': ['anthropic', 'telegram']},
                                             'openclaw_surface_plugins_allow'),
    'plugin-install-unpinned': ({'openclaw_surface_plugin_installs': ['@openclaw/discord']},
                                'openclaw_surface_plugin_installs'),
    'plugin-install-range': ({'openclaw_surface_plugin_installs': ['@openclaw/discord@^2026.9.0']},
                             'openclaw_surface_plugin_installs'),
    'plugin-install-tag': ({'openclaw_surface_plugin_installs': ['@openclaw/slack@2026.9.6', 'acme-notes@latest']},
                           'openclaw_surface_plugin_installs'),
    'skills-bundled-allowlist-empty': ({'openclaw_surface_skills_bundled_allowlist': []},
                                       'openclaw_surface_skills_bundled_allowlist'),
    'skills-agent-allowlist-bad-name': ({'openclaw_surface_skills_agent_allowlist': ['weather', '../evil']},
                                        'openclaw_surface_skills_agent_allowlist'),
    # Node commands and Gateway tools.
    'node-deny-pattern': ({'openclaw_surface_node_commands_deny': ['system.run *']}, 'openclaw_surface_node_commands_deny'),
    'node-deny-group': ({'openclaw_surface_node_commands_deny': ['group:camera']}, 'openclaw_surface_node_commands_deny'),
    'gateway-tools-deny-wildcard': ({'openclaw_surface_gateway_tools_deny': ['*']}, 'openclaw_surface_gateway_tools_deny'),
}


refusals = helpers.refusals
snapshot = helpers.snapshot


def make_home(tmp_path):
    home = helpers.state_home(tmp_path, UNSAFE)
    (home / '.openclaw' / '.env').write_text('OPENCLAW_LOG_STYLE=plain\n')
    return home


def run_playbook(tmp_path, home, extra):
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra),
                                helpers.playbook_env(temp=tmp_path / 'ansible-tmp'), timeout=300)


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('surface-bad-input')
    cases = dict((case, (make_home(root / case), extra)) for case, (extra, variable) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('surface-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1], forbidden=(TOKEN,))


@pytest.mark.slow
def test_hooks_token_equal_to_the_hosts_gateway_token_is_refused_before_writing(tmp_path):
    """The Gateway token was generated on the host, so only the host can tell; nothing is written."""
    home = make_home(tmp_path)
    secrets = home / '.openclaw' / 'secrets'
    secrets.mkdir(mode=0o700)
    (secrets / 'gateway-token').write_text(TOKEN + '\n')
    os.chmod(secrets / 'gateway-token', 0o600)
    before = snapshot(str(home))

    run, output = run_playbook(tmp_path, home, dict(HOOKS, openclaw_bin=helpers.openclaw_bin('2026.9.6')))
    assert run.returncode != 0, output
    assert 'openclaw_surface_hooks_token is the Gateway token or password of localhost' in refusals(output), output
    assert 'Keep the hooks token' not in output and 'Apply the collected config' not in output, output
    assert TOKEN not in output, 'the hooks token was shown'
    assert snapshot(str(home)) == before
