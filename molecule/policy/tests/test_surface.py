"""Verify the surface role: discovery, browser, hooks, skills and DM scope as the version spells them."""
from conftest import findings_in


def test_discovery_and_sessions(config):
    assert config['discovery']['mdns']['mode'] == 'off'
    assert config['session']['dmScope'] == 'per-channel-peer'


def test_browser_off_as_tool_and_plugin(config):
    assert config['browser']['enabled'] is False
    assert config['plugins']['entries']['browser']['enabled'] is False


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
