# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the findings of clawfleet.openclaw.openclaw_audit."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit as _audit


def _as_findings(value, name):
    """``(findings, floor or None)`` from a module result or a findings list."""
    if isinstance(value, dict):
        if 'findings' not in value:
            raise AnsibleFilterError('%s expects the result of clawfleet.openclaw.openclaw_audit or a list '
                                     'of findings; the dict given has no findings key (keys: %s)'
                                     % (name, ', '.join(sorted(str(key) for key in value))))
        findings, floor = value.get('findings') or [], value.get('floor')
    else:
        findings, floor = value, None
    if findings is None:
        findings = []
    if isinstance(findings, (str, bytes)) or not is_sequence(findings):
        raise AnsibleFilterError('%s expects a list of findings, got %s' % (name, type(findings).__name__))
    for finding in findings:
        if not isinstance(finding, dict):
            raise AnsibleFilterError('%s: every finding must be a dict with checkId and severity, got %r'
                                     % (name, finding))
    return list(findings), floor


def findings_at(findings, severity):
    """Findings at ``severity`` or above (``info`` < ``warn`` < ``critical``)."""
    items, dummy = _as_findings(findings, 'findings_at')
    try:
        return _audit.findings_at(items, severity)
    except ValueError as exc:
        raise AnsibleFilterError('findings_at: %s' % exc)


def audit_failing(findings, fail_on='warn', floor=None):
    """Findings at ``fail_on`` or above that are not in ``floor``: what fails the audit gate.

    Given the module's result, its own ``floor`` is used unless one is passed.
    """
    items, own_floor = _as_findings(findings, 'audit_failing')
    if floor is None:
        floor = own_floor or []
    if isinstance(floor, (str, bytes)) or not is_sequence(floor):
        raise AnsibleFilterError('audit_failing: floor must be a list of {checkId, ...}, got %s'
                                 % type(floor).__name__)
    try:
        return _audit.evaluate_gate(items, fail_on, list(floor))
    except ValueError as exc:
        raise AnsibleFilterError('audit_failing: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {
            'findings_at': findings_at,
            'audit_failing': audit_failing,
        }
