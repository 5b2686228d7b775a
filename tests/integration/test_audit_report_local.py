"""playbooks/audit.yml's fleet report, against the real OpenClaw 2026.9.6 on this machine.

Two throwaway homes: one with the measured hardened config (0600 in a 0700
folder, its SecretRefs resolved from the Gateway's environment file) whose
AGENTS.md got the untrusted content rules from the workspace role, with a
device review and a restore test report on the controller as the other
playbooks write them; and one with the unsafe reference config. The audit
playbook runs in report mode against each and must write fleet.json, .md and
.html next to the per-host report, with the items as the rules say.
"""
import datetime
import json
import os
import stat

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

VERSION = '2026.9.6'
REFERENCE = os.path.join(helpers.REPO, 'tests', 'unit', 'fixtures', 'configs')
AUDIT = os.path.join(helpers.REPO, 'playbooks', 'audit.yml')
ENV_FILE = ('OPENCLAW_GATEWAY_TOKEN=' + 'f' * 64 + '\nTELEGRAM_BOT_TOKEN=123456:' + 'A' * 35
            + '\nANTHROPIC_API_KEY=sk-ant-api03-' + 'b' * 40 + '\n')


def reference(name):
    with open(os.path.join(REFERENCE, name)) as handle:
        return json.load(handle)


def make_home(tmp_path, config):
    home = tmp_path / 'home'
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(state, 0o700)
    (state / 'openclaw.json').write_text(json.dumps(config, indent=2) + '\n')
    os.chmod(state / 'openclaw.json', 0o600)
    return home


def audit(tmp_path, home, reports):
    extra = helpers.host_vars(home, openclaw_bin=helpers.openclaw_bin(VERSION), openclaw_target='localhost',
                              ansible_connection='local', openclaw_audit_report_dir=str(reports),
                              openclaw_audit_label='after')
    env = helpers.playbook_env(home=home, temp=tmp_path / 'ansible-tmp')
    return helpers.run_playbook(AUDIT, extra, env, timeout=900)


def statuses(fleet):
    assert [row['host'] for row in fleet['hosts']] == ['localhost']
    return dict((item, value['status']) for item, value in fleet['hosts'][0]['items'].items())


def written(reports):
    folder = reports / 'after'
    names = sorted(os.listdir(folder))
    assert names == ['fleet.html', 'fleet.json', 'fleet.md', 'localhost.json'], names
    for name in names:
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    fleet = json.loads((folder / 'fleet.json').read_text())
    page = (folder / 'fleet.html').read_text()
    assert page.startswith('<!DOCTYPE html>') and '<script' not in page and 'src=' not in page
    assert '| localhost | 2026.9.6 |' in (folder / 'fleet.md').read_text()
    # The per-host report is still the one scripts/report_summary.py reads.
    host = json.loads((folder / 'localhost.json').read_text())
    assert host['host'] == 'localhost' and 'summary' in host['security']
    return fleet, page


@pytest.mark.slow
def test_fleet_report_of_a_hardened_host(tmp_path):
    home = make_home(tmp_path, reference('hardened-2026.9.6.json'))
    state = home / '.openclaw'
    (state / 'gateway.env').write_text(ENV_FILE)
    os.chmod(state / 'gateway.env', 0o600)
    # The workspace role puts the guide's rules into AGENTS.md, as playbooks/harden.yml does.
    run, output = helpers.run_playbook(
        helpers.playbook('workspace_local.yml'), helpers.host_vars(home, openclaw_bin=helpers.openclaw_bin(VERSION)),
        helpers.playbook_env(home=home, temp=tmp_path / 'ansible-tmp'))
    assert run.returncode == 0, output
    reports = tmp_path / 'reports'
    now = datetime.datetime.utcnow()
    for folder, data in (
            ('devices', {'host': 'localhost', 'reviewed_at': (now - datetime.timedelta(days=3)).strftime(
                '%Y-%m-%dT%H:%M:%SZ'), 'mode': 'apply', 'gateway_reachable': True, 'kept': [], 'unknown': []}),
            ('backups', {'host': 'localhost', 'tested_at': (now - datetime.timedelta(days=100)).strftime(
                '%Y-%m-%dT%H:%M:%SZ'), 'passed': True, 'archive': str(home / 'openclaw-backups' / 'a.tar.gz'),
                'openclaw_version': VERSION, 'unexpected_differences': [], 'expected_differences': []})):
        (reports / folder).mkdir(parents=True)
        (reports / folder / 'localhost.json').write_text(json.dumps(data, sort_keys=True))

    run, output = audit(tmp_path, home, reports)
    assert run.returncode == 0, output
    fleet, page = written(reports)
    found = statuses(fleet)
    assert found.pop('provider_limits') == 'manual'
    # The restore test is older than a quarter.
    assert found.pop('backups_tested') == 'due'
    assert set(found.values()) == {'pass'}, fleet['hosts'][0]['items']
    row = fleet['hosts'][0]
    assert row['version'] == VERSION and row['audit']['deep'] is True and row['audit']['critical'] == 0
    assert 'managed block' in row['items']['prompt_injection_rules']['evidence']
    assert 'Fleet checklist for 1 host(s) written to' in output
    for secret in ('f' * 64, 'A' * 35, 'b' * 40):
        assert secret not in output and secret not in page and secret not in json.dumps(fleet)


@pytest.mark.slow
def test_fleet_report_of_the_unsafe_host_never_fails_report_mode(tmp_path):
    config = reference('insecure-A.json')
    home = make_home(tmp_path, config)
    os.chmod(home / '.openclaw' / 'openclaw.json', 0o644)
    reports = tmp_path / 'reports'

    run, output = audit(tmp_path, home, reports)
    assert run.returncode == 0, output
    fleet, dummy = written(reports)
    found = statuses(fleet)
    for item in ('loopback_bind', 'remote_access', 'control_ui_private', 'token_auth', 'channels_allowlisted',
                 'tool_policy_trust', 'secrets_outside_repos', 'concurrency_limits', 'skills_vetted',
                 'prompt_injection_rules'):
        assert found[item] == 'fail', (item, fleet['hosts'][0]['items'][item])
    assert found['provider_limits'] == 'manual'
    # No review or restore test report yet; OpenClaw refuses this config, so its audit gave no result.
    assert found['devices_reviewed'] == found['backups_tested'] == found['security_audit_reviewed'] == 'unknown'
    assert 'shorttoken' not in output and 'shorttoken' not in json.dumps(fleet)
