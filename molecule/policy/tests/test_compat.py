"""The same inventory on both OpenClaw versions: the real validate passes, nothing critical remains."""
import json

from conftest import CALL_LOG, findings_in, run_segments


def test_real_validate_passes(validate):
    assert validate['valid'] is True
    assert not validate.get('warnings'), validate


def test_no_critical_finding(deep_audit):
    assert deep_audit['summary']['critical'] == 0, deep_audit['findings']


def test_gateway_and_filesystem_clean_in_the_deep_audit(deep_audit):
    # The access boundary's own check (guide section 1), and with every role
    # applied nothing the roles write may bring back a gateway or filesystem
    # finding.
    assert not findings_in(deep_audit, 'gateway.', 'fs.'), deep_audit['findings']


def test_version_spellings(config, legacy):
    workshop = config['skills']['workshop']['autonomous']
    assert workshop == ({'enabled': False} if legacy else {'mode': 'off'})


def test_no_change_runs_start_no_node(host):
    fresh_check, converge, idempotence, second_check = run_segments(host)[:4]
    assert 'check=True' in fresh_check[0] and 'check=True' in second_check[0]
    assert fresh_check[1] == [], fresh_check
    assert any('config validate' in call for call in converge[1]), converge
    assert any('secrets audit --check' in call for call in converge[1]), converge
    assert idempotence[1] == [], 'the no-change run started openclaw: %s' % idempotence[1]
    assert second_check[1] == [], second_check


def test_scenario_values_are_not_in_the_logs(host, hostvars):
    text = host.file(CALL_LOG).content_string + json.dumps(hostvars.get('ansible_facts', {}))
    for entry in hostvars['openclaw_secrets_provider_keys'] + hostvars['openclaw_secrets_channel_tokens']:
        assert entry['value'] not in text
