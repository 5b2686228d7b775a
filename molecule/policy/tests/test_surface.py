"""Verify the surface role: discovery, browser, hooks, skills and DM scope as the version spells them."""
from conftest import as_openclaw, findings_in


def test_discovery_and_sessions(config):
    assert config['discovery']['mdns']['mode'] == 'off'
    assert config['session']['dmScope'] == 'per-channel-peer'


def test_browser_off_as_tool_and_plugin(config):
    assert config['browser']['enabled'] is False
    assert config['plugins']['entries']['browser']['enabled'] is False


def test_web_search_off_with_a_bundled_provider_named(host, config):
    # The provider named keeps the Gateway from loading every plugin to look for one; enabled false keeps search off.
    assert config['tools']['web']['search'] == {'enabled': False, 'provider': 'ollama'}
    search = as_openclaw(host, 'openclaw infer web search --query clawfleet --json')
    assert search.rc != 0
    assert 'web_search is disabled or no provider is available' in search.stdout + search.stderr


def test_hooks_off_at_a_safe_path(config):
    hooks = config['hooks']
    assert hooks['enabled'] is False
    assert hooks['path'] == '/hooks'
    assert 'token' not in hooks
    assert hooks['allowedAgentIds'] == []


def test_no_autonomous_skills(config, legacy):
    skills = config['skills']
    assert skills['workshop']['autonomous'] == ({'enabled': False} if legacy else {'mode': 'off'})
    assert skills['install']['allowUploadedArchives'] is False


def test_version_only_keys(config, legacy):
    if legacy:
        assert 'mcp' not in config
    else:
        assert config['mcp']['apps']['enabled'] is False


def test_audit_has_no_surface_finding(deep_audit):
    assert findings_in(deep_audit, 'discovery.', 'hooks.', 'browser.', 'plugins.', 'skills.', 'mcp.',
                       'gateway.nodes.', 'gateway.tools_invoke', 'channels.dm.session_collision') == []
