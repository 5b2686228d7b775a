# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report filters, on the reference configs and recorded audits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.filter import checklist as checklist_filters
from ansible_collections.clawfleet.openclaw.tests.unit.plugins.module_utils import test_checklist as cases

FILTERS = checklist_filters.FilterModule().filters()
NOW = cases.NOW


def test_filters_are_registered():
    assert FILTERS['fleet_checklist'] is checklist_filters.fleet_checklist
    assert FILTERS['fleet_report'] is checklist_filters.fleet_report
    assert FILTERS['fleet_markdown'] is checklist_filters.fleet_markdown
    assert FILTERS['fleet_html'] is checklist_filters.fleet_html


@pytest.mark.parametrize('config,expected', [
    ('hardened-2026.9.6.json', {'pass': 14, 'fail': 0, 'due': 0, 'unknown': 0, 'manual': 1}),
    ('insecure-A.json', {'pass': 5, 'fail': 9, 'due': 0, 'unknown': 0, 'manual': 1}),
])
def test_fleet_checklist_on_the_reference_configs(config, expected):
    evidence = cases.hardened_evidence(config_text=cases.config_text(config))
    result = FILTERS['fleet_checklist'](evidence, now=NOW)
    assert result['counts'] == expected, result['items']


def test_fleet_checklist_ages_are_options():
    evidence = cases.hardened_evidence()
    result = FILTERS['fleet_checklist'](evidence, now=NOW, devices_review_max_age_days=5,
                                        restore_test_max_age_days=30)
    assert result['items']['devices_reviewed']['status'] == 'due'
    assert result['items']['backups_tested']['status'] == 'due'
    assert FILTERS['fleet_checklist'](evidence, now=NOW)['items']['backups_tested']['status'] == 'pass'


def test_fleet_checklist_refuses_bad_input():
    with pytest.raises(AnsibleFilterError, match='expects the evidence dict'):
        FILTERS['fleet_checklist'](['laptop'])
    with pytest.raises(AnsibleFilterError, match='fleet_checklist: the evidence needs the host name'):
        FILTERS['fleet_checklist']({'version': '2026.9.6'})
    with pytest.raises(AnsibleFilterError, match='restore_test must be a whole number'):
        FILTERS['fleet_checklist'](cases.hardened_evidence(), now=NOW, restore_test_max_age_days='soon')


def test_fleet_report_adds_missing_hosts_and_serializes():
    row = FILTERS['fleet_checklist'](cases.hardened_evidence(), now=NOW)
    report = FILTERS['fleet_report']([row], label='after', generated_at=NOW,
                                     missing={'vps': 'no checklist: unreachable'})
    assert [host['host'] for host in report['hosts']] == ['laptop', 'vps']
    assert report['hosts'][1]['items']['token_auth'] == {'status': 'unknown', 'evidence': 'no checklist: unreachable'}
    assert json.loads(json.dumps(report, sort_keys=True)) == report
    with pytest.raises(AnsibleFilterError, match='expects a list'):
        FILTERS['fleet_report']({'host': 'x'})
    with pytest.raises(AnsibleFilterError, match='missing must map'):
        FILTERS['fleet_report']([row], missing=['vps'])


def test_markdown_and_html_filters_escape_a_hostile_host_name():
    evidence = cases.hardened_evidence(host='<script>alert("x")</script>')
    report = FILTERS['fleet_report']([FILTERS['fleet_checklist'](evidence, now=NOW)], generated_at=NOW)
    page = FILTERS['fleet_html'](report)
    assert page.startswith('<!DOCTYPE html>') and '<style>' in page
    assert '<script' not in page.lower()
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in page
    markdown = FILTERS['fleet_markdown'](report)
    assert '<script>' not in markdown
    with pytest.raises(AnsibleFilterError, match="fleet_report filter's result"):
        FILTERS['fleet_html']({'rows': []})
    with pytest.raises(AnsibleFilterError, match="fleet_report filter's result"):
        FILTERS['fleet_markdown'](None)
