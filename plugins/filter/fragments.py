# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn inventory variables into openclaw.json fragments."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.module_utils.compat import doctor_unfixable as _doctor_unfixable


def audit_suppressions(accepted):
    """Inventory's accepted findings -> OpenClaw's security.audit.suppressions (None when empty)."""
    if not isinstance(accepted, list):
        raise AnsibleFilterError('audit_suppressions expects a list of {check_id, reason}, got %s'
                                 % type(accepted).__name__)
    suppressions = []
    for entry in accepted:
        if not isinstance(entry, dict) or not entry.get('check_id') or not str(entry.get('reason') or '').strip():
            raise AnsibleFilterError('openclaw_audit_accepted_findings entry %r needs check_id and a non-empty reason'
                                     % (entry,))
        suppression = {'checkId': entry['check_id'], 'reason': str(entry['reason']).strip()}
        for key, name in (('detail_includes', 'detailIncludes'), ('title_includes', 'titleIncludes')):
            if entry.get(key):
                suppression[name] = entry[key]
        suppressions.append(suppression)
    return suppressions or None


def doctor_unfixable(version):
    """Doctor checks that config cannot fix on this OpenClaw version: {checkId: reason}."""
    return dict(_doctor_unfixable(version))


class FilterModule(object):
    def filters(self):
        return {
            'audit_suppressions': audit_suppressions,
            'doctor_unfixable': doctor_unfixable,
        }
