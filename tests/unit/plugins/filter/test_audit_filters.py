# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""findings_at and audit_failing, on findings recorded from the real CLIs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.filter import audit as audit_filters
from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit, compat

CLI = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cli')
FILTERS = audit_filters.FilterModule().filters()


def report(version, name):
    with open(os.path.join(CLI, version, name + '.json')) as handle:
        return audit.normalize_security(json.load(handle)['stdout'])


def module_result(version, name, **floor_args):
    """What openclaw_audit returns, as far as the filters read it."""
    data = report(version, name)
    return {'changed': False, 'version': version, 'summary': data['summary'], 'findings': data['findings'],
            'floor': compat.audit_floor(version, **floor_args)}


def test_filters_are_registered():
    assert FILTERS['findings_at'] is audit_filters.findings_at
    assert FILTERS['audit_failing'] is audit_filters.audit_failing


@pytest.mark.parametrize('severity,count', [('info', 43), ('warn', 38), ('warning', 38), ('critical', 19)])
def test_findings_at_on_result_and_list(severity, count):
    result = module_result('2026.9.6', 'security-audit-insecure-A-valid')
    from_result = FILTERS['findings_at'](result, severity)
    from_list = FILTERS['findings_at'](result['findings'], severity)
    assert from_result == from_list
    assert len(from_result) == count


def test_findings_at_keeps_order_and_content():
    findings = report('2026.9.6', 'security-audit-deep-hardened')['findings']
    assert [f['checkId'] for f in FILTERS['findings_at'](findings, 'info')] == [
        'summary.attack_surface', 'gateway.probe_failed']
    assert FILTERS['findings_at'](findings, 'warn') == [findings[1]]
    assert FILTERS['findings_at'](findings, 'critical') == []


def test_findings_at_on_skipped_result():
    assert FILTERS['findings_at']({'skipped': True, 'findings': []}, 'info') == []


@pytest.mark.parametrize('value,severity,message', [
    ([], 'sever', 'unknown severity'),
    ('gateway.bind_no_auth', 'warn', 'expects a list'),
    ({'msg': 'no findings key'}, 'warn', 'no findings key'),
    ([{'checkId': 'x', 'severity': 'warn'}, 'oops'], 'warn', 'must be a dict'),
    (42, 'warn', 'expects a list'),
])
def test_findings_at_errors(value, severity, message):
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS['findings_at'](value, severity)


def test_audit_failing_uses_the_results_floor():
    result = module_result('2026.9.6', 'security-audit-deep-hardened', deep=True)
    assert FILTERS['audit_failing'](result) == []
    assert FILTERS['audit_failing'](result, 'info') == []
    # without the deep floor the probe failure is a real warning
    result = module_result('2026.9.6', 'security-audit-deep-hardened')
    assert [f['checkId'] for f in FILTERS['audit_failing'](result)] == ['gateway.probe_failed']


def test_audit_failing_explicit_floor_wins():
    result = module_result('2026.9.6', 'security-audit-deep-hardened', deep=True)
    failing = FILTERS['audit_failing'](result, 'info', [])
    assert [f['checkId'] for f in failing] == ['summary.attack_surface', 'gateway.probe_failed']


def test_audit_failing_on_a_list_has_no_floor_by_default():
    findings = report('2026.6.5', 'security-audit-hardened')['findings']
    assert [f['checkId'] for f in FILTERS['audit_failing'](findings, 'info')] == ['summary.attack_surface']
    assert FILTERS['audit_failing'](findings, 'info', [{'checkId': 'summary.attack_surface'}]) == []


@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_audit_failing_matches_the_module_gate(version):
    result = module_result(version, 'security-audit-insecure-A-valid', suppressions=1)
    for fail_on in ('info', 'warn', 'critical'):
        assert FILTERS['audit_failing'](result, fail_on) == audit.evaluate_gate(
            result['findings'], fail_on, result['floor'])
    failing = FILTERS['audit_failing'](result, 'warn')
    assert not any('suppressions' in f['detail'] for f in failing)
    assert any(f['checkId'] == 'config.insecure_or_dangerous_flags' for f in failing)


def test_audit_failing_suppressions():
    result = module_result('2026.9.6', 'security-audit-hardened-suppressed', suppressions=1)
    assert FILTERS['audit_failing'](result, 'info') == []
    result = module_result('2026.9.6', 'security-audit-hardened-suppressed')
    assert [f['checkId'] for f in FILTERS['audit_failing'](result, 'info')] == [
        'config.insecure_or_dangerous_flags', 'security.audit.suppressions.active']


@pytest.mark.parametrize('args,message', [
    (('critcal',), 'unknown severity'),
    (('warn', 'summary.attack_surface'), 'floor must be a list'),
    (('warn', {'checkId': 'x'}), 'floor must be a list'),
])
def test_audit_failing_errors(args, message):
    findings = report('2026.9.6', 'security-audit-hardened')['findings']
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS['audit_failing'](findings, *args)
