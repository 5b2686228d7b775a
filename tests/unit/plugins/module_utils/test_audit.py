# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalizing and gating audit findings, on output recorded from the real CLIs.

``tests/unit/fixtures/cli/<version>/*.json`` hold ``{cmd, rc, stdout, stderr,
...}`` of real runs of OpenClaw 2026.9.6 and 2026.6.5 (see the README there).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit, compat

CLI = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cli')
VERSIONS = ('2026.9.6', '2026.6.5')


def recording(version, name):
    with open(os.path.join(CLI, version, name + '.json')) as handle:
        return json.load(handle)


def recordings(prefix):
    found = []
    for path in sorted(glob.glob(os.path.join(CLI, '*', prefix + '*.json'))):
        version = os.path.basename(os.path.dirname(path))
        found.append((version, os.path.splitext(os.path.basename(path))[0]))
    return found


def ids(items):
    return ['%s/%s' % item for item in items]


# ---- severities -----------------------------------------------------------

@pytest.mark.parametrize('word,expected', [
    ('info', 'info'), ('warn', 'warn'), ('critical', 'critical'),
    # doctor --lint's words (its --severity-min takes info|warning|error)
    ('warning', 'warn'), ('error', 'critical'),
    ('WARNING', 'warn'), (' Error ', 'critical'), ('notice', 'info'), ('fatal', 'critical'),
    # unknown or missing: never drop a finding from a default gate
    ('bogus', 'warn'), ('', 'warn'), (None, 'warn'),
])
def test_normalize_severity(word, expected):
    assert audit.normalize_severity(word) == expected


def test_severities_are_ordered():
    assert audit.SEVERITIES == ('info', 'warn', 'critical')
    ranks = [audit.severity_rank(name) for name in audit.SEVERITIES]
    assert ranks == sorted(ranks) == [0, 1, 2]
    assert audit.severity_rank('warning') == audit.severity_rank('warn')


def test_severity_rank_rejects_typos():
    with pytest.raises(ValueError, match='unknown severity'):
        audit.severity_rank('warnn')


def test_every_recorded_doctor_severity_is_a_known_word():
    """The words the real doctor printed are mapped, not defaulted."""
    seen = set()
    for version, name in recordings('doctor-lint'):
        rec = recording(version, name)
        data = json.loads(rec['stdout']) if rec['stdout'].strip() else {'findings': []}
        seen.update(raw['severity'] for raw in data['findings'])
    assert seen == {'info', 'warning', 'error'}
    assert all(word in audit.SEVERITY_WORDS for word in seen)


# ---- security audit shape -------------------------------------------------

SECURITY_OK = [item for item in recordings('security-audit') if recording(*item)['rc'] == 0]


def test_recordings_exist_for_both_versions():
    assert set(version for version, name in SECURITY_OK) == set(VERSIONS)
    assert len(SECURITY_OK) >= 10


@pytest.mark.parametrize('version,name', SECURITY_OK, ids=ids(SECURITY_OK))
def test_normalize_security_matches_cli_summary(version, name):
    rec = recording(version, name)
    report = audit.normalize_security(rec['stdout'])
    assert report['summary'] == json.loads(rec['stdout'])['summary']
    for finding in report['findings']:
        assert tuple(sorted(finding)) == tuple(sorted(audit.FINDING_KEYS))
        assert finding['severity'] in audit.SEVERITIES
        assert finding['checkId'] and finding['title']
    assert report['findings'][0]['checkId'] in ('summary.attack_surface', 'config.insecure_or_dangerous_flags')


def test_normalize_security_accepts_parsed_data():
    rec = recording('2026.9.6', 'security-audit-deep-hardened')
    assert audit.normalize_security(json.loads(rec['stdout'])) == audit.normalize_security(rec['stdout'])


def test_missing_remediation_is_empty_text():
    report = audit.normalize_security(recording('2026.9.6', 'security-audit-hardened')['stdout'])
    assert report['findings'] == [{
        'checkId': 'summary.attack_surface', 'severity': 'info', 'title': 'Attack surface summary',
        'detail': report['findings'][0]['detail'], 'remediation': ''}]
    assert report['suppressed'] == []


@pytest.mark.parametrize('version', VERSIONS)
def test_suppressed_findings_keep_their_reason(version):
    report = audit.normalize_security(recording(version, 'security-audit-hardened-suppressed')['stdout'])
    assert [(f['checkId'], f['reason']) for f in report['suppressed']] == [
        ('summary.attack_surface', 'Inventory line; always present.')]
    assert [f['checkId'] for f in report['findings']] == [
        'config.insecure_or_dangerous_flags', 'security.audit.suppressions.active']


@pytest.mark.parametrize('version,name', [
    ('2026.9.6', 'security-audit-invalid'),      # {"ok": false, "issues": [...]}: no findings
    ('2026.6.5', 'security-audit-invalid'),      # nothing on stdout
    ('2026.9.6', 'security-audit-insecure-A'),
])
def test_normalize_security_rejects_non_reports(version, name):
    with pytest.raises(audit.AuditFormatError):
        audit.normalize_security(recording(version, name)['stdout'])


@pytest.mark.parametrize('value', ['not json', '[1, 2]', None, 42])
def test_normalize_rejects_garbage(value):
    with pytest.raises(audit.AuditFormatError):
        audit.normalize_security(value)
    with pytest.raises(audit.AuditFormatError):
        audit.normalize_doctor(value)


# ---- doctor shape ---------------------------------------------------------

DOCTOR = [
    # version, recording, rc, summary, ok
    ('2026.9.6', 'doctor-lint-hardened', 1, {'critical': 0, 'warn': 2, 'info': 0}, False),
    ('2026.9.6', 'doctor-lint-hardened-skips', 0, {'critical': 0, 'warn': 0, 'info': 0}, True),
    ('2026.9.6', 'doctor-lint-invalid', 1, {'critical': 6, 'warn': 0, 'info': 0}, False),
    ('2026.9.6', 'doctor-lint-runner-failure', 2, {'critical': 1, 'warn': 0, 'info': 0}, False),
    ('2026.6.5', 'doctor-lint-hardened', 1, {'critical': 0, 'warn': 43, 'info': 2}, False),
    # 2026.6.5 exits 1 and says ok=false with info findings only
    ('2026.6.5', 'doctor-lint-hardened-info-only', 1, {'critical': 0, 'warn': 0, 'info': 2}, False),
    ('2026.6.5', 'doctor-lint-invalid', 1, {'critical': 3, 'warn': 0, 'info': 0}, False),
]


@pytest.mark.parametrize('version,name,rc,summary,ok', DOCTOR, ids=['%s/%s' % c[:2] for c in DOCTOR])
def test_normalize_doctor(version, name, rc, summary, ok):
    rec = recording(version, name)
    assert rec['rc'] == rc
    report = audit.normalize_doctor(rec['stdout'])
    assert report['summary'] == summary
    assert report['ok'] is ok
    for finding in report['findings']:
        assert set(audit.FINDING_KEYS) <= set(finding)
        assert finding['severity'] in audit.SEVERITIES


def test_doctor_fields_map_to_the_common_shape():
    report = audit.normalize_doctor(recording('2026.9.6', 'doctor-lint-hardened')['stdout'])
    node = [f for f in report['findings'] if f['checkId'] == 'core/doctor/node-hosting-preconditions'][0]
    assert node['severity'] == 'warn'
    assert node['title'].startswith('Gateway is only bound to loopback.')
    assert node['detail'] == 'path: gateway.bind; requirement: node-onboarding-url'
    assert node['remediation'].startswith('If an edge proxy fronts node onboarding')
    assert report['checks_run'] == 35 and report['checks_skipped'] == 30


def test_doctor_without_schema_version_on_2026_6():
    rec = recording('2026.6.5', 'doctor-lint-hardened')
    assert 'schemaVersion' not in json.loads(rec['stdout'])
    assert audit.normalize_doctor(rec['stdout'])['checks_run'] == 22


def test_doctor_crash_on_2026_6_is_not_a_report():
    rec = recording('2026.6.5', 'doctor-lint-hardened-noworkspace')
    assert rec['rc'] == 1 and 'root dir not found' in rec['stderr']
    with pytest.raises(audit.AuditFormatError, match='no JSON'):
        audit.normalize_doctor(rec['stdout'])


# ---- findings_at and the gate ---------------------------------------------

def _report(version, name):
    return audit.normalize_security(recording(version, name)['stdout'])


def test_findings_at_thresholds():
    findings = _report('2026.9.6', 'security-audit-insecure-A-valid')['findings']
    assert len(audit.findings_at(findings, 'info')) == 43
    assert len(audit.findings_at(findings, 'warn')) == 38
    critical = audit.findings_at(findings, 'critical')
    assert len(critical) == 19
    assert all(f['severity'] == 'critical' for f in critical)
    # order is kept
    assert critical == [f for f in findings if f['severity'] == 'critical']
    # doctor words work as thresholds too
    assert audit.findings_at(findings, 'warning') == audit.findings_at(findings, 'warn')


def test_findings_at_normalizes_raw_doctor_findings():
    raw = json.loads(recording('2026.9.6', 'doctor-lint-invalid')['stdout'])['findings']
    assert len(audit.findings_at(raw, 'critical')) == 6
    assert audit.findings_at([], 'info') == []
    assert audit.findings_at(None, 'info') == []


def test_findings_at_rejects_bad_threshold():
    with pytest.raises(ValueError):
        audit.findings_at([], 'severe-ish')


GATE = [
    # version, recording, fail_on, audit_floor kwargs, failing check ids
    ('2026.9.6', 'security-audit-hardened', 'info', {}, []),
    ('2026.6.5', 'security-audit-hardened', 'info', {}, []),
    ('2026.9.6', 'security-audit-hardened', 'info', None, ['summary.attack_surface']),
    ('2026.9.6', 'security-audit-deep-hardened', 'warn', {'deep': True}, []),
    ('2026.6.5', 'security-audit-deep-hardened', 'info', {'deep': True}, []),
    # the floor only holds probe_failed for a deep run from an unpaired CLI
    ('2026.9.6', 'security-audit-deep-hardened', 'warn', {}, ['gateway.probe_failed']),
    ('2026.9.6', 'security-audit-deep-hardened', 'warn', {'deep': True, 'paired_operator': True},
     ['gateway.probe_failed']),
    ('2026.9.6', 'security-audit-deep-hardened', 'critical', {}, []),
    # suppressions: the flag and the info OpenClaw adds are expected
    ('2026.9.6', 'security-audit-hardened-suppressed', 'info', {'suppressions': 1}, []),
    ('2026.6.5', 'security-audit-hardened-suppressed', 'info', {'suppressions': 1}, []),
    ('2026.9.6', 'security-audit-hardened-suppressed', 'info', {},
     ['config.insecure_or_dangerous_flags', 'security.audit.suppressions.active']),
    # missing environment: a real finding, not floor
    ('2026.9.6', 'security-audit-hardened-noenv', 'warn', {}, ['gateway.http.no_auth']),
    ('2026.6.5', 'security-audit-hardened-noenv', 'warn', {'deep': True}, ['gateway.http.no_auth']),
]


@pytest.mark.parametrize('version,name,fail_on,floor_args,expected', GATE,
                         ids=['%s/%s/%s/%s' % (c[0], c[1], c[2], c[3]) for c in GATE])
def test_evaluate_gate_with_compat_floor(version, name, fail_on, floor_args, expected):
    findings = _report(version, name)['findings']
    floor = compat.audit_floor(version, **floor_args) if floor_args is not None else []
    failing = audit.evaluate_gate(findings, fail_on, floor)
    assert [f['checkId'] for f in failing] == expected


@pytest.mark.parametrize('version', VERSIONS)
def test_suppressions_floor_keeps_other_dangerous_flags(version):
    findings = _report(version, 'security-audit-insecure-A-valid')['findings']
    flags = [f for f in findings if f['checkId'] == 'config.insecure_or_dangerous_flags']
    assert len(flags) == 4
    failing = audit.evaluate_gate(findings, 'warn', compat.audit_floor(version, suppressions=1))
    failing_flags = [f['detail'] for f in failing if f['checkId'] == 'config.insecure_or_dangerous_flags']
    assert len(failing_flags) == 3
    assert not any('suppressions' in detail for detail in failing_flags)
    assert any('tools.fs.workspaceOnly=false' in detail for detail in failing_flags)
    summary = _report(version, 'security-audit-insecure-A-valid')['summary']
    # everything at warn or above fails except the suppressions flag
    assert len(failing) == summary['critical'] + summary['warn'] - 1


def test_in_floor_matches_by_check_id():
    floor = [{'checkId': 'gateway.probe_failed', 'severity': 'warn', 'reason': 'x'}]
    assert audit.in_floor({'checkId': 'gateway.probe_failed', 'detail': ''}, floor)
    assert not audit.in_floor({'checkId': 'gateway.probe_auth_secretref_unavailable'}, floor)
    assert not audit.in_floor({'checkId': 'gateway.probe_failed'}, [])
    flag_floor = [{'checkId': audit.SUPPRESSIONS_FLAG}]
    assert audit.in_floor({'checkId': audit.SUPPRESSIONS_FLAG,
                           'detail': 'Detected enabled flag: security.audit.suppressions configured (2).'},
                          flag_floor)
    assert not audit.in_floor({'checkId': audit.SUPPRESSIONS_FLAG,
                               'detail': 'Detected enabled flag: hooks.allowRequestSessionKey=true.'}, flag_floor)


# ---- config issues, suppression counts ------------------------------------

def test_config_issues_from_2026_9_json():
    rec = recording('2026.9.6', 'security-audit-invalid')
    issues = audit.config_issues(json.loads(rec['stdout']), rec['stderr'])
    assert [i['path'] for i in issues] == ['logging', 'gateway.port', 'gateway.bind', 'gateway.controlUi',
                                           'gateway.tailscale', '<root>']
    assert issues[0]['message'] == 'Unrecognized key: "redactSensitive"'


def test_config_issues_from_2026_6_stderr():
    rec = recording('2026.6.5', 'security-audit-invalid')
    assert rec['stdout'] == ''
    issues = audit.config_issues(None, rec['stderr'])
    assert issues == [
        {'path': 'gateway.port', 'message': 'Invalid input'},
        {'path': 'gateway.bind', 'message': 'Invalid input (allowed: "auto", "lan", "loopback", "custom", "tailnet")'},
        {'path': '<root>', 'message': 'Invalid input'},
    ]


def test_config_issues_from_2026_9_stderr_text():
    """The text form of 2026.9 (file:line, a dash, then path: message) parses too."""
    rec = recording('2026.9.6', 'security-audit-insecure-A')
    issues = audit.config_issues(None, rec['stderr'])
    assert [i['path'] for i in issues] == [
        'agents.defaults.sandbox.docker.binds[1]', 'agents.defaults.sandbox.docker.network',
        'agents.defaults.sandbox.docker.seccompProfile', 'agents.defaults.sandbox.docker.apparmorProfile',
        'agents.ownership']
    assert len(audit.config_issues(json.loads(rec['stdout']), rec['stderr'])) == 5


def test_config_issues_none_found():
    assert audit.config_issues(None, 'Error: something else\n') == []
    assert audit.config_issues({'ok': False}, '') == []


def test_reported_suppressions():
    assert audit.reported_suppressions(_report('2026.9.6', 'security-audit-hardened-suppressed')['findings']) == 1
    assert audit.reported_suppressions(_report('2026.6.5', 'security-audit-insecure-A-valid')['findings']) == 1
    assert audit.reported_suppressions(_report('2026.9.6', 'security-audit-hardened')['findings']) is None


@pytest.mark.parametrize('config,count', [
    ({'security': {'audit': {'suppressions': [{'checkId': 'a', 'reason': 'r'}, {'checkId': 'b', 'reason': 'r'}]}}}, 2),
    ({'security': {'audit': {'suppressions': []}}}, 0),
    ({'security': {'audit': {}}}, 0),
    ({'security': None}, 0),
    ({}, 0),
    (None, 0),
])
def test_count_suppressions(config, count):
    assert audit.count_suppressions(config) == count


SECRETS = [
    ('2026.9.6', 'secrets-audit-clean', 0, 'clean', {'critical': 0, 'warn': 0, 'info': 0}),
    ('2026.9.6', 'secrets-audit-plaintext', 1, 'findings', {'critical': 0, 'warn': 1, 'info': 0}),
    ('2026.9.6', 'secrets-audit-unresolved', 2, 'unresolved', {'critical': 1, 'warn': 0, 'info': 0}),
    ('2026.6.5', 'secrets-audit-clean', 0, 'clean', {'critical': 0, 'warn': 0, 'info': 0}),
    ('2026.6.5', 'secrets-audit-plaintext', 1, 'findings', {'critical': 0, 'warn': 1, 'info': 0}),
    ('2026.6.5', 'secrets-audit-unresolved', 2, 'unresolved', {'critical': 1, 'warn': 0, 'info': 0}),
]


@pytest.mark.parametrize('version,name,rc,status,summary', SECRETS, ids=['%s/%s' % c[:2] for c in SECRETS])
def test_normalize_secrets(version, name, rc, status, summary):
    rec = recording(version, name)
    assert rec['rc'] == rc
    report = audit.normalize_secrets(rec['stdout'])
    assert report['status'] == status
    assert report['summary'] == summary
    for finding in report['findings']:
        assert set(audit.FINDING_KEYS) <= set(finding)
        assert finding['remediation']


def test_secrets_fields_map_to_the_common_shape():
    report = audit.normalize_secrets(recording('2026.9.6', 'secrets-audit-plaintext')['stdout'])
    assert report['findings'] == [{
        'checkId': 'PLAINTEXT_FOUND', 'severity': 'warn',
        'title': 'models.providers.anthropic.apiKey is stored as plaintext.',
        'detail': 'jsonPath: models.providers.anthropic.apiKey; file: <HOME>/.openclaw/openclaw.json; provider: anthropic',
        'remediation': audit.SECRETS_REMEDIATION['PLAINTEXT_FOUND'],
    }]
    assert report['counts']['plaintextCount'] == 1
    # The literal key of the run is in the recorded config, never in what the CLI printed.
    assert 'sk-ant-' not in recording('2026.9.6', 'secrets-audit-plaintext')['stdout']
