"""Verify the tools role: the messaging baseline, per-agent policies, no tools finding."""
from conftest import agent_entry, findings_in

BASELINE = {
    'profile': 'messaging',
    'deny': ['group:automation', 'group:runtime', 'group:fs', 'sessions_spawn', 'sessions_send'],
    'fs': {'workspaceOnly': True},
    'exec': {'mode': 'deny'},
    'elevated': {'enabled': False},
    'sessions': {'visibility': 'agent'},
    'agentToAgent': {'enabled': False},
}


def test_baseline_for_every_agent(config):
    for key, value in BASELINE.items():
        assert config['tools'][key] == value, key


def test_risky_tools_only_where_asked(config, legacy):
    assert agent_entry(config, legacy, 'monitor')['tools'] == {'profile': 'messaging',
                                                               'deny': ['group:runtime', 'group:fs']}
    assert agent_entry(config, legacy, 'coder')['tools'] == {'profile': 'coding', 'exec': {'ask': 'always'}}


def test_audit_has_no_tools_or_exposure_finding(deep_audit):
    # This scenario's Discord guild allowlist raises the multi-user notice (see test_channels.py).
    assert [f['checkId'] for f in findings_in(deep_audit, 'tools.', 'security.exposure.', 'security.trust_model.')
            if f['checkId'] != 'security.trust_model.multi_user_heuristic'] == []
