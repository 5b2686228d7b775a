# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over OpenClaw config fragments: version compat, merge preview, redaction, diff.

The logic lives in ``module_utils/config_core.py`` and ``module_utils/compat.py``;
these filters only check their inputs and turn errors into filter errors.
Documentation: one ``<filter>.yml`` beside this file per filter.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.clawfleet.openclaw.plugins.module_utils import compat
from ansible_collections.clawfleet.openclaw.plugins.module_utils import config_core

display = Display()


def _type_name(value):
    return type(value).__name__


def _require_mapping(filter_name, what, value, allow_none=False):
    if value is None and allow_none:
        return {}
    if not isinstance(value, Mapping):
        raise AnsibleFilterError('%s: %s must be a dictionary (an OpenClaw config object), got %s'
                                 % (filter_name, what, _type_name(value)))
    return value


def _require_version(filter_name, version):
    if version is not None and not isinstance(version, str):
        raise AnsibleFilterError('%s: the version must be a string such as "2026.9.6" or none, got %s'
                                 % (filter_name, _type_name(version)))
    return version


def _translate(filter_name, fragment, version):
    fragment = _require_mapping(filter_name, 'the fragment', fragment)
    version = _require_version(filter_name, version)
    try:
        return compat.translate(fragment, version)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('%s: %s' % (filter_name, exc))


def for_version(fragment, version):
    """The fragment as OpenClaw ``version`` accepts it; each change is a warning."""
    result, warnings = _translate('for_version', fragment, version)
    for warning in warnings:
        display.warning(warning)
    return result


def compat_warnings(fragment, version):
    """What :func:`for_version` would drop or translate, as a list of sentences."""
    return _translate('compat_warnings', fragment, version)[1]


def redact(obj):
    """Deep copy with secret values masked."""
    return config_core.redact(obj)


def merge_preview(base, fragments):
    """``base`` with ``fragments`` (one dictionary or a list) merged in, as the apply step does."""
    base = _require_mapping('merge_preview', 'the base config', base, allow_none=True)
    if fragments is None:
        fragments = []
    elif isinstance(fragments, Mapping):
        fragments = [fragments]
    elif not isinstance(fragments, (list, tuple)):
        raise AnsibleFilterError('merge_preview: fragments must be a dictionary or a list of '
                                 'dictionaries, got %s' % _type_name(fragments))
    for index, fragment in enumerate(fragments):
        if fragment is not None and not isinstance(fragment, Mapping):
            raise AnsibleFilterError('merge_preview: fragment %d must be a dictionary, got %s'
                                     % (index, _type_name(fragment)))
    return config_core.merge_all(base, list(fragments))


def config_changes(before, after):
    """Per-path changes from ``before`` to ``after``, secrets masked."""
    before = _require_mapping('config_changes', 'before', before, allow_none=True)
    after = _require_mapping('config_changes', 'after', after, allow_none=True)
    return config_core.changes(before, after)


class FilterModule(object):
    """OpenClaw config filters."""

    def filters(self):
        return {
            'for_version': for_version,
            'compat_warnings': compat_warnings,
            'redact': redact,
            'merge_preview': merge_preview,
            'config_changes': config_changes,
        }
