"""Verify the sandbox role: every session sandboxed, the workspace hidden unless an agent needs it."""
from conftest import agent_entry, findings_in


def test_sandbox_baseline(config):
    assert config['agents']['defaults']['sandbox'] == {'mode': 'all', 'scope': 'session', 'workspaceAccess': 'none'}


def test_per_agent_override_next_to_the_tools_policy(config, legacy):
    coder = agent_entry(config, legacy, 'coder')
    assert coder['sandbox'] == {'workspaceAccess': 'ro'}
    assert coder['tools']['profile'] == 'coding', 'the sandbox role must not erase the tools role keys'


def test_audit_has_no_sandbox_finding(deep_audit):
    assert findings_in(deep_audit, 'sandbox.') == []
