# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the fleet report: the guide's closing checklist per host, and its Markdown and HTML forms.

The rules and the rendering live in ``module_utils/checklist.py``; these filters
check their inputs and turn errors into filter errors. Documentation: one
``<filter>.yml`` beside this file per filter.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.clawfleet.openclaw.plugins.module_utils import checklist as _checklist


def _plain(value):
    """Ansible's lazy containers as plain dicts and lists, so the pure functions see JSON types."""
    if isinstance(value, Mapping):
        return dict((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, str):
        return str(value)
    return value


def fleet_checklist(evidence, now=None, devices_review_max_age_days=31, restore_test_max_age_days=92):
    """One host's checklist results from the evidence the audit role gathered."""
    if not isinstance(evidence, Mapping):
        raise AnsibleFilterError('fleet_checklist expects the evidence dict the audit role gathers, got %s'
                                 % type(evidence).__name__)
    try:
        return _checklist.evaluate(_plain(evidence), now=now, max_ages={
            'devices_review': devices_review_max_age_days, 'restore_test': restore_test_max_age_days})
    except _checklist.ChecklistError as exc:
        raise AnsibleFilterError('fleet_checklist: %s' % exc)


def fleet_report(rows, label=None, generated_at=None, missing=None):
    """The fleet report from the hosts' checklists; ``missing`` maps hosts without one to the reason."""
    if not isinstance(rows, (list, tuple)):
        raise AnsibleFilterError('fleet_report expects a list of host checklists, got %s' % type(rows).__name__)
    if missing is not None and not isinstance(missing, Mapping):
        raise AnsibleFilterError('fleet_report: missing must map host names to the reason, got %s'
                                 % type(missing).__name__)
    rows = [_plain(row) for row in rows]
    for host, reason in sorted((missing or {}).items()):
        rows.append(_checklist.missing_host(str(host), str(reason)))
    try:
        return _checklist.fleet_report(rows, label=label, generated_at=generated_at)
    except _checklist.ChecklistError as exc:
        raise AnsibleFilterError(str(exc))


def _report(name, report):
    if not isinstance(report, Mapping) or not isinstance(report.get('hosts'), (list, tuple)):
        raise AnsibleFilterError('%s expects the fleet_report filter\'s result (a dict with hosts), got %s'
                                 % (name, type(report).__name__))
    return _plain(report)


def fleet_markdown(report):
    """The fleet report as Markdown."""
    return _checklist.render_markdown(_report('fleet_markdown', report))


def fleet_html(report):
    """The fleet report as one self-contained, escaped HTML page."""
    return _checklist.render_html(_report('fleet_html', report))


class FilterModule(object):
    def filters(self):
        return {
            'fleet_checklist': fleet_checklist,
            'fleet_report': fleet_report,
            'fleet_markdown': fleet_markdown,
            'fleet_html': fleet_html,
        }
