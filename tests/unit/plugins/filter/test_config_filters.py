# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.clawfleet.openclaw.plugins.filter import config as config_filters
from ansible_collections.clawfleet.openclaw.plugins.filter.config import FilterModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import MASK

FILTER_DIR = os.path.dirname(config_filters.__file__)
NAMES = ('for_version', 'compat_warnings', 'redact', 'merge_preview', 'config_changes')


@pytest.fixture
def filters():
    return FilterModule().filters()


@pytest.fixture
def shown(monkeypatch):
    """Warnings the filters show through Display."""
    messages = []
    monkeypatch.setattr(config_filters.display, 'warning', lambda msg, *a, **kw: messages.append(msg))
    return messages


def test_filter_names(filters):
    assert sorted(filters) == sorted(NAMES)
    assert all(callable(f) for f in filters.values())


# --------------------------------------------------------------------------
# for_version / compat_warnings
# --------------------------------------------------------------------------

def test_for_version_translates_and_shows_each_warning(filters, shown):
    fragment = {'gateway': {'controlUi': {'enabled': False, 'allowInsecureAuth': False},
                            'tailscale': {'mode': 'off', 'resetOnExit': True}}}
    result = filters['for_version'](fragment, '2026.9.6')
    assert result == {'gateway': {'controlUi': {'enabled': False}, 'tailscale': {'mode': 'off'}}}
    assert len(shown) == 2
    assert shown[0].startswith('gateway.controlUi.allowInsecureAuth dropped: OpenClaw 2026.9.6')
    assert shown[1].startswith('gateway.tailscale.resetOnExit dropped: OpenClaw 2026.9.6')
    assert fragment['gateway']['controlUi']['allowInsecureAuth'] is False


def test_for_version_shows_nothing_when_nothing_changes(filters, shown):
    fragment = {'gateway': {'bind': 'loopback'}}
    assert filters['for_version'](fragment, '2026.6.5') == fragment
    assert shown == []


def test_for_version_unknown_version_is_shown(filters, shown):
    assert filters['for_version']({'agents': {'list': [{'id': 'main'}]}}, None) == {
        'agents': {'entries': {'main': {}}}}
    assert shown[0].startswith('OpenClaw version unknown (None)')
    assert len(shown) == 2


def test_compat_warnings_lists_without_showing(filters, shown):
    warnings = filters['compat_warnings']({'agents': {'ownership': 'explicit'}}, '2026.6.5')
    assert len(warnings) == 1
    assert warnings[0].startswith('agents.ownership dropped: OpenClaw 2026.6.5')
    assert shown == []
    assert filters['compat_warnings']({'agents': {'ownership': 'explicit'}}, '2026.9.6') == []


@pytest.mark.parametrize('name', ['for_version', 'compat_warnings'])
def test_store_refs_become_filter_errors(filters, shown, name):
    fragment = {'gateway': {'auth': {'token': {'source': 'store', 'provider': 'default',
                                               'id': 'OPENCLAW_GATEWAY_TOKEN'}}}}
    with pytest.raises(AnsibleFilterError, match=r"%s: gateway\.auth\.token: 'store' secrets need 2026.9" % name):
        filters[name](fragment, '2026.6.5')


@pytest.mark.parametrize('name', ['for_version', 'compat_warnings'])
@pytest.mark.parametrize('fragment, version, message', [
    (['not', 'a', 'dict'], '2026.9.6', 'the fragment must be a dictionary'),
    ('text', '2026.9.6', 'the fragment must be a dictionary'),
    (None, '2026.9.6', 'the fragment must be a dictionary'),
    ({}, 2026.9, 'the version must be a string'),
    ({}, ['2026.9.6'], 'the version must be a string'),
])
def test_version_filters_refuse_wrong_types(filters, name, fragment, version, message):
    with pytest.raises(AnsibleFilterError, match='%s: %s' % (name, message)):
        filters[name](fragment, version)


# --------------------------------------------------------------------------
# redact / merge_preview / config_changes
# --------------------------------------------------------------------------

def test_redact_filter(filters):
    data = {'gateway': {'auth': {'mode': 'token', 'token': 'literal-value'}},
            'channels': {'telegram': {'botToken': {'source': 'env', 'provider': 'default',
                                                   'id': 'TELEGRAM_BOT_TOKEN'}}}}
    assert filters['redact'](data) == {
        'gateway': {'auth': {'mode': 'token', 'token': MASK}},
        'channels': {'telegram': {'botToken': {'source': 'env', 'provider': 'default',
                                               'id': 'TELEGRAM_BOT_TOKEN'}}}}
    assert data['gateway']['auth']['token'] == 'literal-value'


def test_merge_preview_one_fragment(filters):
    base = {'gateway': {'bind': 'lan', 'mode': 'local'}}
    assert filters['merge_preview'](base, {'gateway': {'bind': 'loopback'}}) == {
        'gateway': {'bind': 'loopback', 'mode': 'local'}}
    assert base == {'gateway': {'bind': 'lan', 'mode': 'local'}}


def test_merge_preview_list_in_order(filters):
    base = {'agents': {'list': [{'id': 'main', 'name': 'Main'}]}}
    tools = {'agents': {'list': [{'id': 'main', 'tools': {'profile': 'messaging'}}]}}
    sandbox = {'agents': {'list': [{'id': 'main', 'sandbox': {'mode': 'all'}}]}}
    assert filters['merge_preview'](base, [tools, None, sandbox]) == {
        'agents': {'list': [{'id': 'main', 'name': 'Main', 'tools': {'profile': 'messaging'},
                             'sandbox': {'mode': 'all'}}]}}
    assert filters['merge_preview'](None, [{'a': 1}, {'a': 2}]) == {'a': 2}
    assert filters['merge_preview']({'a': 1}, None) == {'a': 1}


@pytest.mark.parametrize('base, fragments, message', [
    ('text', {}, 'the base config must be a dictionary'),
    ([{}], {}, 'the base config must be a dictionary'),
    ({}, 'text', 'fragments must be a dictionary or a list'),
    ({}, 5, 'fragments must be a dictionary or a list'),
    ({}, [{}, 'x'], 'fragment 1 must be a dictionary'),
])
def test_merge_preview_refuses_wrong_types(filters, base, fragments, message):
    with pytest.raises(AnsibleFilterError, match='merge_preview: %s' % message):
        filters['merge_preview'](base, fragments)


def test_config_changes_filter(filters):
    before = {'gateway': {'bind': 'lan', 'auth': {'token': 'old-token-value'}}}
    after = {'gateway': {'bind': 'loopback', 'auth': {'token': 'new-token-value'}}}
    result = filters['config_changes'](before, after)
    assert result == [
        {'path': 'gateway.auth.token', 'action': 'change', 'before': MASK, 'after': MASK},
        {'path': 'gateway.bind', 'action': 'change', 'before': 'lan', 'after': 'loopback'},
    ]
    dumped = json.dumps(result)
    assert 'old-token-value' not in dumped and 'new-token-value' not in dumped
    assert filters['config_changes'](None, {'a': 1}) == [
        {'path': 'a', 'action': 'add', 'before': None, 'after': 1}]


@pytest.mark.parametrize('before, after, message', [
    ('x', {}, 'before must be a dictionary'),
    ({}, ['x'], 'after must be a dictionary'),
])
def test_config_changes_refuses_wrong_types(filters, before, after, message):
    with pytest.raises(AnsibleFilterError, match='config_changes: %s' % message):
        filters['config_changes'](before, after)


def test_filters_accept_mapping_subclasses(filters, shown):
    class Tagged(dict):
        pass

    fragment = Tagged(logging=Tagged(redactSensitive='tools', level='info'))
    result = filters['for_version'](fragment, '2026.9.6')
    assert result == {'logging': {'level': 'info'}}
    assert type(result) is dict and type(result['logging']) is dict  # pylint: disable=unidiomatic-typecheck
    assert filters['merge_preview'](Tagged(a=1), Tagged(b=2)) == {'a': 1, 'b': 2}


# --------------------------------------------------------------------------
# documentation sidecars
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', NAMES)
def test_doc_sidecar(name):
    with open(os.path.join(FILTER_DIR, name + '.yml')) as handle:
        doc = yaml.safe_load(handle)
    assert set(doc) == {'DOCUMENTATION', 'EXAMPLES', 'RETURN'}
    documentation = doc['DOCUMENTATION']
    assert documentation['name'] == name
    assert str(documentation['version_added']) == '1.0.0'
    assert documentation['author'] == 'clawfleet.openclaw contributors (@clawfleet)'
    assert documentation['short_description']
    assert documentation['description']
    options = documentation['options']
    assert '_input' in options
    for option in options.values():
        assert option['description'] and option['type']
    positional = [p.strip() for p in documentation.get('positional', '').split(',') if p.strip()]
    assert all(p in options for p in positional)
    # every positional argument of the filter is documented, in order
    code = FilterModule().filters()[name].__code__
    arguments = list(code.co_varnames[1:code.co_argcount])
    assert positional == arguments
    assert 'clawfleet.openclaw.%s' % name in doc['EXAMPLES']
    assert doc['RETURN']['_value']['description'] and doc['RETURN']['_value']['type']
