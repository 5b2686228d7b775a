# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_suppressions and doctor_unfixable: inventory values into OpenClaw's settings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.filter import fragments
from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit

FILTERS = fragments.FilterModule().filters()
CLI = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cli')


def recording(version, name):
    with open(os.path.join(CLI, version, name + '.json')) as handle:
        return json.load(handle)


def test_filters_are_registered():
    assert FILTERS == {'audit_suppressions': fragments.audit_suppressions,
                       'doctor_unfixable': fragments.doctor_unfixable}


@pytest.mark.parametrize('accepted,expected', [
    ([{'check_id': 'gateway.trusted_proxies_missing', 'reason': 'UI only via Tailscale'}],
     [{'checkId': 'gateway.trusted_proxies_missing', 'reason': 'UI only via Tailscale'}]),
    ([{'check_id': 'summary.attack_surface', 'reason': '  inventory line \n'}],
     [{'checkId': 'summary.attack_surface', 'reason': 'inventory line'}]),
    ([{'check_id': 'fs.synced_dir', 'reason': 'backups', 'detail_includes': '/srv/backup'}],
     [{'checkId': 'fs.synced_dir', 'reason': 'backups', 'detailIncludes': '/srv/backup'}]),
    ([{'check_id': 'plugins.unpinned', 'reason': 'pinned by digest', 'title_includes': 'codex'}],
     [{'checkId': 'plugins.unpinned', 'reason': 'pinned by digest', 'titleIncludes': 'codex'}]),
    ([{'check_id': 'a.b', 'reason': 'r', 'detail_includes': 'd', 'title_includes': 't'},
      {'check_id': 'c.d', 'reason': 'r2'}],
     [{'checkId': 'a.b', 'reason': 'r', 'detailIncludes': 'd', 'titleIncludes': 't'},
      {'checkId': 'c.d', 'reason': 'r2'}]),
    # empty optional matchers are left out, not written as empty strings
    ([{'check_id': 'a.b', 'reason': 'r', 'detail_includes': '', 'title_includes': None}],
     [{'checkId': 'a.b', 'reason': 'r'}]),
    # a reason that is not a string is written as text
    ([{'check_id': 'a.b', 'reason': 2026}], [{'checkId': 'a.b', 'reason': '2026'}]),
], ids=['plain', 'reason trimmed', 'detail', 'title', 'several in order', 'empty matchers', 'number reason'])
def test_audit_suppressions(accepted, expected):
    snapshot = json.dumps(accepted)
    assert FILTERS['audit_suppressions'](accepted) == expected
    # the inventory value is not changed
    assert json.dumps(accepted) == snapshot


def test_audit_suppressions_empty_removes_the_key():
    assert FILTERS['audit_suppressions']([]) is None


def test_audit_suppressions_match_a_recorded_finding():
    """The checkId written is the one OpenClaw reports, so the suppression applies."""
    report = audit.normalize_security(recording('2026.9.6', 'security-audit-hardened')['stdout'])
    finding = report['findings'][0]
    result = FILTERS['audit_suppressions']([{'check_id': finding['checkId'], 'reason': 'inventory line'}])
    assert result == [{'checkId': 'summary.attack_surface', 'reason': 'inventory line'}]


@pytest.mark.parametrize('accepted,message', [
    ([{'check_id': 'a.b'}], 'needs check_id and a non-empty reason'),
    ([{'check_id': 'a.b', 'reason': ''}], 'non-empty reason'),
    ([{'check_id': 'a.b', 'reason': '   \n'}], 'non-empty reason'),
    ([{'check_id': 'a.b', 'reason': None}], 'non-empty reason'),
    ([{'reason': 'no id'}], 'needs check_id'),
    ([{'check_id': '', 'reason': 'empty id'}], 'needs check_id'),
    ([{'checkId': 'a.b', 'reason': 'OpenClaw spelling'}], 'needs check_id'),
    ([{'check_id': 'a.b', 'reason': 'ok'}, {'check_id': 'c.d', 'reason': ' '}], "'c.d'"),
    (['a.b'], 'needs check_id'),
    ({'check_id': 'a.b', 'reason': 'a dict, not a list'}, 'expects a list'),
    ('a.b', 'expects a list'),
    (None, 'expects a list'),
], ids=['missing reason', 'empty reason', 'blank reason', 'null reason', 'missing id', 'empty id',
        'camelCase key', 'second entry bad', 'string entry', 'dict input', 'string input', 'null input'])
def test_audit_suppressions_errors(accepted, message):
    with pytest.raises(AnsibleFilterError) as err:
        FILTERS['audit_suppressions'](accepted)
    assert message in str(err.value)


@pytest.mark.parametrize('version,checks', [
    ('2026.9.6', ['core/doctor/heartbeat-cadence-migration', 'core/doctor/node-hosting-preconditions']),
    ('2026.9.0', ['core/doctor/heartbeat-cadence-migration', 'core/doctor/node-hosting-preconditions']),
    ('2026.6.5', ['core/doctor/skills-readiness']),
    ('2026.8.99', ['core/doctor/skills-readiness']),
    # unknown versions get the newest measured version's list
    ('not-a-version', ['core/doctor/heartbeat-cadence-migration', 'core/doctor/node-hosting-preconditions']),
])
def test_doctor_unfixable(version, checks):
    result = FILTERS['doctor_unfixable'](version)
    assert sorted(result) == checks
    assert all(isinstance(reason, str) and reason for reason in result.values())


def test_doctor_unfixable_matches_the_recorded_doctor_runs():
    """Exactly the checks the hardened config still fails on each version."""
    for version in ('2026.9.6', '2026.6.5'):
        stdout = recording(version, 'doctor-lint-hardened')['stdout']
        failing = set(f['checkId'] for f in audit.normalize_doctor(stdout)['findings']
                      if f['severity'] != 'info')
        assert failing == set(FILTERS['doctor_unfixable'](version)), version


def test_doctor_unfixable_returns_a_copy():
    first = FILTERS['doctor_unfixable']('2026.9.6')
    first.clear()
    assert FILTERS['doctor_unfixable']('2026.9.6') != {}
