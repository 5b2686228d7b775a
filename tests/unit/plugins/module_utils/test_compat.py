# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest
import yaml

from ansible_collections.clawfleet.openclaw.plugins.module_utils import compat
from ansible_collections.clawfleet.openclaw.plugins.module_utils.compat import (
    AUDIT_FLOOR, DOCTOR_UNFIXABLE, KNOWN_VERSIONS, RULES, agents_key, audit_floor,
    doctor_unfixable, has_key, parse_version, translate,
)
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import merge

HERE = os.path.dirname(__file__)
CONFIGS = os.path.join(HERE, '..', '..', 'fixtures', 'configs')

with open(os.path.join(HERE, 'fixtures', 'compat_cases.yml')) as handle:
    CASES = yaml.safe_load(handle)


def _config(name):
    with open(os.path.join(CONFIGS, name)) as handle:
        return json.load(handle)


# --------------------------------------------------------------------------
# versions
# --------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('2026.9.6', (2026, 9, 6)),
    ('2026.6.5', (2026, 6, 5)),
    ('v2026.9.6', (2026, 9, 6)),
    ('2026.9.6-beta.1', (2026, 9, 6)),
    ('2026.9.6+build.7', (2026, 9, 6)),
    (' 2026.10.1\n', (2026, 10, 1)),
    ('2026.9', (2026, 9, 0)),
])
def test_parse_version(text, expected):
    assert parse_version(text) == expected


@pytest.mark.parametrize('text', ['', 'latest', '2026', 'v', '2026.9.x', '2026.9.6.1',
                                  'openclaw 2026.9.6', None, 2026])
def test_parse_version_refuses(text):
    with pytest.raises(ValueError, match='OpenClaw version'):
        parse_version(text)


def test_parse_version_orders_numerically():
    assert parse_version('2026.10.0') > parse_version('2026.9.6')
    assert parse_version('2026.9.6') > parse_version('2026.6.5')


def test_known_versions():
    assert KNOWN_VERSIONS == ('2026.6.5', '2026.9.6')


def test_rule_table_is_well_formed():
    actions = set()
    for rule in RULES:
        assert rule['action'] in compat.ACTIONS, rule
        assert rule.get('since') or rule.get('before'), rule
        for bound in ('since', 'before'):
            if rule.get(bound):
                parse_version(rule[bound])
        assert isinstance(rule['why'], str) and len(rule['why']) > 5, rule
        assert rule['path']
        if rule['action'] in ('rename', 'workshop_enabled_to_mode', 'workshop_mode_to_enabled'):
            assert rule['to'] != rule['path']
        actions.add(rule['action'])
    assert actions == set(compat.ACTIONS)


@pytest.mark.parametrize('version, path', [
    ('2026.9.6', 'gateway.controlUi.allowInsecureAuth'),
    ('2026.9.6', 'gateway.tailscale.resetOnExit'),
    ('2026.9.6', 'logging.redactSensitive'),
    ('2026.6.5', 'agents.ownership'),
    ('2026.6.5', 'logging.audit'),
    ('2026.6.5', 'secrets.defaults.store'),
])
def test_required_drop_rules_present(version, path):
    drops = [r['path'] for r in compat.rules_for(version) if r['action'] == 'drop']
    assert path in drops


# --------------------------------------------------------------------------
# translate
# --------------------------------------------------------------------------

@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_translate_cases(case):
    fragment = copy.deepcopy(case['fragment'])
    result, warnings = translate(fragment, str(case['version']))
    assert fragment == case['fragment'], 'the input must not change'
    assert result == case['expected']
    assert len(warnings) == len(case['warnings']), warnings
    for words, warning in zip(case['warnings'], warnings):
        for word in words:
            assert word in warning, (word, warning)


def test_translate_warning_wording():
    dummy, warnings = translate({'gateway': {'controlUi': {'allowInsecureAuth': False}}}, '2026.9.6')
    assert warnings == ['gateway.controlUi.allowInsecureAuth dropped: OpenClaw 2026.9.6 no longer '
                        'has it (retired, no replacement; built-in defaults now apply)']


def test_every_drop_rule_warns_once_per_key():
    for version in KNOWN_VERSIONS:
        for rule in compat.rules_for(version):
            if rule['action'] != 'drop':
                continue
            path = rule['path'].replace('*', 'alias')
            fragment = {}
            node = fragment
            keys = path.split('.')
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = 'value'
            node['keep'] = 1
            result, warnings = translate(fragment, version)
            assert len(warnings) == 1, (version, path, warnings)
            assert warnings[0].startswith(path + ' dropped: OpenClaw %s ' % version)
            assert rule['why'] in warnings[0]
            parent = result
            for key in keys[:-1]:
                parent = parent[key]
            assert parent == {'keep': 1}


def test_translate_result_is_independent_of_input():
    fragment = {'gateway': {'auth': {'mode': 'token'}}, 'tools': {'deny': ['a']}}
    result, dummy = translate(fragment, '2026.9.6')
    result['gateway']['auth']['mode'] = 'none'
    result['tools']['deny'].append('b')
    assert fragment == {'gateway': {'auth': {'mode': 'token'}}, 'tools': {'deny': ['a']}}


@pytest.mark.parametrize('version', [None, 'latest', '', 'unknown'])
def test_unknown_version_uses_newest_rules_and_warns(version):
    result, warnings = translate({'logging': {'redactSensitive': 'tools', 'level': 'info'}}, version)
    assert result == {'logging': {'level': 'info'}}
    assert len(warnings) == 2
    assert warnings[0].startswith('OpenClaw version unknown (%r)' % (version,))
    assert '2026.9.6' in warnings[0]
    assert warnings[1].startswith('logging.redactSensitive dropped: OpenClaw 2026.9.6')


def test_unknown_version_warns_even_for_an_empty_fragment():
    assert translate({}, None) == ({}, [
        'OpenClaw version unknown (None): applied the rules for 2026.9.6, the newest measured version'])
    assert translate(None, '2026.9.6') == ({}, [])


def test_versions_outside_the_measured_range_warn():
    result, warnings = translate({'logging': {'redactSensitive': 'tools'}}, '2027.1.0')
    assert result == {}
    assert 'newer than the newest measured version 2026.9.6' in warnings[0]
    assert warnings[1].startswith('logging.redactSensitive dropped: OpenClaw 2027.1.0')
    dummy, warnings = translate({}, '2026.1.0')
    assert warnings == ['OpenClaw 2026.1.0 is older than the oldest measured version 2026.6.5: '
                        'its keys were not checked, validate will tell']
    for known in KNOWN_VERSIONS:
        assert translate({}, known) == ({}, [])


def test_store_refs_refused_before_2026_9():
    fragment = {
        'channels': {'telegram': {'botToken': {'source': 'store', 'provider': 'default',
                                               'id': 'TELEGRAM_BOT_TOKEN'}}},
        'agents': {'list': [{'id': 'coder', 'env': {'K': {'source': 'store', 'provider': 'v',
                                                          'id': 'K'}}}]},
        'gateway': {'auth': {'token': {'source': 'env', 'provider': 'default', 'id': 'T'}}},
    }
    with pytest.raises(ValueError) as err:
        translate(fragment, '2026.6.5')
    text = str(err.value)
    assert 'channels.telegram.botToken' in text
    assert 'agents.list[id=coder].env.K' in text
    assert 'gateway.auth' not in text
    assert "'store' secrets need 2026.9" in text
    # the same fragment is fine on 2026.9
    assert translate(fragment, '2026.9.6')[0]['channels'] == fragment['channels']


def test_store_provider_refused_before_2026_9():
    with pytest.raises(ValueError, match=r"secrets\.providers\.vault: 'store' secrets need 2026.9"):
        translate({'secrets': {'providers': {'vault': {'source': 'store'}}}}, '2026.6.5')
    ok = {'secrets': {'providers': {'default': {'source': 'env', 'allowlist': ['A']}}}}
    assert translate(ok, '2026.6.5') == (ok, [])


@pytest.mark.parametrize('fragment, version, message', [
    ({'agents': {'list': [{'name': 'no id'}]}}, '2026.9.6', r'agents.list\[0\] has no id'),
    ({'agents': {'list': [{'id': 'a'}, {'id': 'a'}]}}, '2026.9.6', 'twice'),
    ({'agents': {'list': {'id': 'a'}}}, '2026.9.6', 'must be a list'),
    ({'agents': {'entries': [{'id': 'a'}]}}, '2026.6.5', 'keyed by agent id'),
    ({'agents': {'entries': {'a': 'x'}}}, '2026.6.5', 'must be an object'),
    ({'skills': {'workshop': {'autonomous': {'enabled': 'yes'}}}}, '2026.9.6', 'true or false'),
    ({'skills': {'workshop': {'autonomous': {'mode': 'sometimes'}}}}, '2026.6.5', 'off, propose, auto'),
])
def test_translate_refuses_what_it_cannot_translate(fragment, version, message):
    with pytest.raises(ValueError, match=message):
        translate(fragment, version)


def test_translate_refuses_non_objects():
    with pytest.raises(TypeError):
        translate(['x'], '2026.9.6')


def test_round_trip_between_versions():
    old = {
        'agents': {'list': [{'id': 'main', 'tools': {'profile': 'messaging'}},
                            {'id': 'coder', 'sandbox': {'mode': 'all'}}]},
        'tools': {'exec': {'mode': 'deny', 'timeoutSec': 30}},
        'skills': {'workshop': {'autonomous': {'enabled': False}}},
    }
    new, warnings_new = translate(old, '2026.9.6')
    assert new == {
        'agents': {'entries': {'main': {'tools': {'profile': 'messaging'}},
                               'coder': {'sandbox': {'mode': 'all'}}}},
        'tools': {'exec': {'mode': 'deny', 'timeoutSeconds': 30}},
        'skills': {'workshop': {'autonomous': {'mode': 'off'}}},
    }
    assert len(warnings_new) == 3
    back, warnings_back = translate(new, '2026.6.5')
    assert back == old
    assert len(warnings_back) == 3


def test_translated_roster_merges_into_a_2026_6_config():
    live = {'agents': {'list': [{'id': 'main', 'name': 'Main'}, {'id': 'stale'}]}}
    fragment = {'agents': {'entries': {'main': {'tools': {'profile': 'messaging'}}, 'stale': None}}}
    translated, dummy = translate(fragment, '2026.6.5')
    assert merge(live, translated) == {
        'agents': {'list': [{'id': 'main', 'name': 'Main', 'tools': {'profile': 'messaging'}}]}}


# --------------------------------------------------------------------------
# the measured reference configs
# --------------------------------------------------------------------------

def test_reference_hardened_config_for_2026_6_5():
    """The 2026.9.6 baseline, translated for 2026.6.5.

    The measured 2026.6.5-compatible file is the same minus `skills`. The
    translation keeps the intent instead: autonomous skill creation stays off,
    as `skills.workshop.autonomous.enabled: false`, which 2026.6.5 accepts.
    """
    hardened = _config('hardened-2026.9.6.json')
    expected = _config('hardened-2026.6.5-compatible.json')
    expected['skills'] = {'workshop': {'autonomous': {'enabled': False}}}
    result, warnings = translate(hardened, '2026.6.5')
    assert result == expected
    assert warnings == [
        'skills.workshop.autonomous.mode translated to skills.workshop.autonomous.enabled = false '
        'for OpenClaw 2026.6.5 (the switch is the boolean enabled (off is false, propose and auto '
        'are true))']


def test_reference_hardened_config_needs_nothing_on_2026_9_6():
    hardened = _config('hardened-2026.9.6.json')
    assert translate(hardened, '2026.9.6') == (hardened, [])
    compatible = _config('hardened-2026.6.5-compatible.json')
    assert translate(compatible, '2026.9.6') == (compatible, [])
    assert translate(compatible, '2026.6.5') == (compatible, [])


# --------------------------------------------------------------------------
# has_key / agents_key
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version, path, expected', [
    ('2026.6.5', 'gateway.controlUi.allowInsecureAuth', True),
    ('2026.9.6', 'gateway.controlUi.allowInsecureAuth', False),
    ('2026.6.5', 'gateway.tailscale.resetOnExit', True),
    ('2026.9.6', 'gateway.tailscale.resetOnExit', False),
    ('2026.6.5', 'logging.redactSensitive', True),
    ('2026.9.6', 'logging.redactSensitive', False),
    ('2026.6.5', 'agents.list', True),
    ('2026.9.6', 'agents.list', False),
    ('2026.6.5', 'agents.entries', False),
    ('2026.9.6', 'agents.entries', True),
    ('2026.6.5', 'agents.entries.main.tools', False),
    ('2026.9.6', 'agents.entries.main.tools', True),
    ('2026.9.6', 'agents.entries.main.default', False),
    ('2026.6.5', 'agents.ownership', False),
    ('2026.9.6', 'agents.ownership', True),
    ('2026.6.5', 'tools.exec.timeoutSec', True),
    ('2026.9.6', 'tools.exec.timeoutSec', False),
    ('2026.6.5', 'tools.exec.timeoutSeconds', False),
    ('2026.9.6', 'tools.exec.timeoutSeconds', True),
    ('2026.6.5', 'skills.workshop.autonomous.enabled', True),
    ('2026.9.6', 'skills.workshop.autonomous.enabled', False),
    ('2026.6.5', 'skills.workshop.autonomous.mode', False),
    ('2026.9.6', 'skills.workshop.autonomous.mode', True),
    ('2026.6.5', 'logging.audit.enabled', False),
    ('2026.9.6', 'logging.audit.enabled', True),
    ('2026.6.5', 'secrets.defaults.store', False),
    ('2026.9.6', 'secrets.providers.gw.allowInsecurePath', False),
    ('2026.6.5', 'secrets.providers.gw.allowInsecurePath', True),
    ('2026.6.5', 'gateway.bind', True),
    ('2026.9.6', 'gateway.bind', True),
    ('2026.9.6', 'gateway.controlUi', True),
])
def test_has_key(version, path, expected):
    assert has_key(version, path) is expected


@pytest.mark.parametrize('version, expected', [
    ('2026.9.6', 'entries'), ('2026.9.0', 'entries'), ('2027.1.1', 'entries'),
    ('2026.6.5', 'list'), ('2026.8.31', 'list'), (None, 'entries'),
])
def test_agents_key(version, expected):
    assert agents_key(version) == expected


# --------------------------------------------------------------------------
# floors
# --------------------------------------------------------------------------

def _ids(findings):
    return [(f['checkId'], f['severity']) for f in findings]


@pytest.mark.parametrize('version', KNOWN_VERSIONS)
def test_audit_floor_plain(version):
    floor = audit_floor(version)
    assert _ids(floor) == [('summary.attack_surface', 'info')]
    assert all(set(f) >= {'checkId', 'severity', 'reason'} and f['reason'] for f in floor)


@pytest.mark.parametrize('version', KNOWN_VERSIONS)
def test_audit_floor_deep(version):
    assert _ids(audit_floor(version, deep=True)) == [
        ('summary.attack_surface', 'info'), ('gateway.probe_failed', 'warn')]
    assert _ids(audit_floor(version, deep=True, paired_operator=True)) == [
        ('summary.attack_surface', 'info')]
    assert _ids(audit_floor(version, paired_operator=True)) == [('summary.attack_surface', 'info')]


@pytest.mark.parametrize('version', KNOWN_VERSIONS)
def test_audit_floor_with_suppressions(version):
    floor = audit_floor(version, suppressions=2)
    assert _ids(floor) == [
        ('summary.attack_surface', 'info'),
        ('config.insecure_or_dangerous_flags', 'warn'),
        ('security.audit.suppressions.active', 'info'),
    ]
    flag = floor[1]
    assert 'security.audit.suppressions configured' in flag['reason']
    assert flag['detail'] == 'security.audit.suppressions configured (2)'
    # a list of suppressions is counted
    listed = audit_floor(version, suppressions=[{'checkId': 'x', 'reason': 'y'}])
    assert listed[1]['detail'] == 'security.audit.suppressions configured (1)'
    assert _ids(audit_floor(version, suppressions=0)) == [('summary.attack_surface', 'info')]


def test_audit_floor_refuses_a_bad_count():
    with pytest.raises(ValueError):
        audit_floor('2026.9.6', suppressions='many')


def test_audit_floor_table_severities():
    for entry in AUDIT_FLOOR:
        assert entry['severity'] in ('info', 'warn', 'critical')


@pytest.mark.parametrize('version', ['2026.9.6', '2026.9.0', '2027.2.0'])
def test_doctor_unfixable_2026_9(version):
    checks = doctor_unfixable(version)
    assert sorted(checks) == ['core/doctor/heartbeat-cadence-migration',
                              'core/doctor/node-hosting-preconditions']
    assert 'doctor --fix' in checks['core/doctor/heartbeat-cadence-migration']
    assert 'loopback' in checks['core/doctor/node-hosting-preconditions']
    assert 'measured on 2026.9.6' not in ' '.join(checks.values())


def test_doctor_unfixable_2026_6_is_its_own_measured_list():
    # 2026.6.5 reports neither 2026.9 check; its host-dependent noise is skills-readiness.
    checks = doctor_unfixable('2026.6.5')
    assert sorted(checks) == ['core/doctor/skills-readiness']
    assert 'host state' in checks['core/doctor/skills-readiness']
    assert len(DOCTOR_UNFIXABLE) == 2


# --------------------------------------------------------------------------
# the surface role's keys (measured with both versions' schemas and validate)
# --------------------------------------------------------------------------

SURFACE_FRAGMENT = {
    'discovery': {'mdns': {'mode': 'off'}},
    'mcp': {'apps': {'enabled': False}},
    'skills': {'workshop': {'autonomous': {'mode': 'off'}, 'approvalPolicy': 'pending'},
               'install': {'allowUploadedArchives': False}},
    'gateway': {'nodes': {'commands': {'allow': None, 'deny': ['system.run']},
                          'allowCommands': None, 'allowSkills': False},
                'tools': {'allow': None}},
}


def test_surface_fragment_passes_unchanged_on_2026_9_6():
    assert translate(SURFACE_FRAGMENT, '2026.9.6') == (SURFACE_FRAGMENT, [])


def test_surface_fragment_on_2026_6_5():
    result, warnings = translate(SURFACE_FRAGMENT, '2026.6.5')
    assert result == {
        'discovery': {'mdns': {'mode': 'off'}},
        'skills': {'workshop': {'autonomous': {'enabled': False}, 'approvalPolicy': 'pending'},
                   'install': {'allowUploadedArchives': False}},
        # The null of the newer spelling is kept (harmless) next to the older one, which it removes.
        'gateway': {'nodes': {'commands': {'allow': None}, 'allowCommands': None, 'denyCommands': ['system.run']},
                    'tools': {'allow': None}},
    }
    assert warnings == [
        'skills.workshop.autonomous.mode translated to skills.workshop.autonomous.enabled = false for OpenClaw '
        '2026.6.5 (the switch is the boolean enabled (off is false, propose and auto are true))',
        'mcp.apps dropped: OpenClaw 2026.6.5 does not have it (added in 2026.9 with MCP Apps views)',
        'gateway.nodes.allowSkills dropped: OpenClaw 2026.6.5 does not have it '
        '(added in 2026.9 with skills published by paired nodes)',
        'gateway.nodes.commands.deny translated to gateway.nodes.denyCommands for OpenClaw 2026.6.5 '
        '(the older spelling of the node command denylist)',
    ]


def test_surface_fragment_merges_into_an_unsafe_2026_6_5_config():
    live = {'gateway': {'nodes': {'allowCommands': ['camera.snap'], 'denyCommands': ['system.run *']}},
            'mcp': {'servers': {'files': {'command': 'mcp-files'}}}}
    translated, dummy = translate(SURFACE_FRAGMENT, '2026.6.5')
    merged = merge(live, translated)
    assert merged['gateway'] == {'nodes': {'denyCommands': ['system.run']}}
    # No gateway.nodes.commands object appears for 2026.6.5, which refuses it.
    assert 'commands' not in merged['gateway']['nodes']
    assert merged['mcp'] == live['mcp']


@pytest.mark.parametrize('version, fragment, expected, renamed', [
    ('2026.6.5', {'gateway': {'nodes': {'commands': {'allow': ['camera.snap'], 'deny': ['sms.send']}}}},
     {'gateway': {'nodes': {'allowCommands': ['camera.snap'], 'denyCommands': ['sms.send']}}}, 2),
    ('2026.9.6', {'gateway': {'nodes': {'allowCommands': ['camera.snap'], 'denyCommands': ['sms.send']}}},
     {'gateway': {'nodes': {'commands': {'allow': ['camera.snap'], 'deny': ['sms.send']}}}}, 2),
    ('2026.9.6', {'gateway': {'nodes': {'commands': {'allow': ['camera.snap']}}}},
     {'gateway': {'nodes': {'commands': {'allow': ['camera.snap']}}}}, 0),
    ('2026.6.5', {'gateway': {'nodes': {'allowCommands': ['camera.snap']}}},
     {'gateway': {'nodes': {'allowCommands': ['camera.snap']}}}, 0),
])
def test_node_command_lists_are_spelled_for_the_version(version, fragment, expected, renamed):
    result, warnings = translate(fragment, version)
    assert result == expected
    assert len(warnings) == renamed, warnings
    for warning in warnings:
        assert warning.startswith('gateway.nodes.') and ' translated to gateway.nodes.' in warning
        assert 'for OpenClaw %s' % version in warning


def test_node_command_allowlist_wins_over_a_null_of_the_other_spelling():
    fragment = {'gateway': {'nodes': {'commands': {'allow': ['system.notify']}, 'allowCommands': None}}}
    result, dummy = translate(fragment, '2026.6.5')
    assert result == {'gateway': {'nodes': {'allowCommands': ['system.notify']}}}


@pytest.mark.parametrize('version, path, expected', [
    ('2026.6.5', 'mcp.apps.enabled', False),
    ('2026.9.6', 'mcp.apps.enabled', True),
    ('2026.6.5', 'mcp.servers', True),
    ('2026.6.5', 'gateway.nodes.allowSkills', False),
    ('2026.9.6', 'gateway.nodes.allowSkills', True),
    ('2026.6.5', 'gateway.nodes.commands.allow', False),
    ('2026.9.6', 'gateway.nodes.commands.allow', True),
    ('2026.6.5', 'gateway.nodes.allowCommands', True),
    ('2026.9.6', 'gateway.nodes.allowCommands', False),
    ('2026.9.6', 'gateway.nodes.denyCommands', False),
    ('2026.6.5', 'discovery.mdns.mode', True),
    ('2026.6.5', 'hooks.token', True),
])
def test_has_key_surface(version, path, expected):
    assert has_key(version, path) is expected


# --------------------------------------------------------------------------
# the logging role's keys (measured with both versions' schemas and validate:
# 2026.9.6 refuses a media block, 2026.6.5 an attachments block and logging.audit)
# --------------------------------------------------------------------------

LOGGING_FRAGMENT = {
    'logging': {'level': 'info', 'consoleLevel': 'info', 'file': '/home/openclaw/.openclaw/logs/openclaw.log',
                'redactSensitive': 'tools', 'redactPatterns': None,
                'audit': {'enabled': True, 'executionIdentity': False, 'messages': 'off'}},
    'session': {'maintenance': {'mode': 'enforce', 'pruneAfter': '30d', 'resetArchiveRetention': '30d'}},
    'attachments': {'ttlHours': 168},
    'media': {'ttlHours': None},
}


def test_logging_fragment_on_2026_9_6():
    result, warnings = translate(LOGGING_FRAGMENT, '2026.9.6')
    expected = copy.deepcopy(LOGGING_FRAGMENT)
    del expected['logging']['redactSensitive']
    assert result == expected
    assert warnings == ['logging.redactSensitive dropped: OpenClaw 2026.9.6 no longer has it '
                        '(retired; 2026.9 always redacts tools output)']


def test_logging_fragment_on_2026_6_5():
    result, warnings = translate(LOGGING_FRAGMENT, '2026.6.5')
    expected = copy.deepcopy(LOGGING_FRAGMENT)
    del expected['logging']['audit']
    del expected['attachments']
    expected['media'] = {'ttlHours': 168}
    assert result == expected
    assert warnings == [
        'logging.audit dropped: OpenClaw 2026.6.5 does not have it (added in 2026.9)',
        'attachments.ttlHours translated to media.ttlHours for OpenClaw 2026.6.5 '
        '(the older home of the media retention sweep; 2026.6 refuses an attachments block)',
    ]


@pytest.mark.parametrize('version, fragment, expected', [
    ('2026.9.6', {'media': {'ttlHours': 24}}, {'attachments': {'ttlHours': 24}}),
    ('2026.6.5', {'attachments': {'ttlHours': 24}}, {'media': {'ttlHours': 24}}),
    ('2026.9.6', {'attachments': {'ttlHours': 24}}, {'attachments': {'ttlHours': 24}}),
    ('2026.6.5', {'media': {'ttlHours': 24, 'preserveFilenames': False}},
     {'media': {'ttlHours': 24, 'preserveFilenames': False}}),
])
def test_media_retention_is_spelled_for_the_version(version, fragment, expected):
    result, warnings = translate(fragment, version)
    assert result == expected
    assert len(warnings) == (0 if result == fragment else 1), warnings


def test_media_retention_removed_in_both_spellings():
    # Retention past OpenClaw's 168-hour limit: the role removes the key and prunes itself.
    fragment = {'attachments': {'ttlHours': None}, 'media': {'ttlHours': None}}
    for version in KNOWN_VERSIONS:
        result, warnings = translate(fragment, version)
        assert result == fragment and warnings == []
        assert merge({'media': {'ttlHours': 24, 'preserveFilenames': True}}, result) == {
            'media': {'preserveFilenames': True}}
        assert merge({'gateway': {'mode': 'local'}}, result) == {'gateway': {'mode': 'local'}}


@pytest.mark.parametrize('version, path, expected', [
    ('2026.6.5', 'media.ttlHours', True),
    ('2026.9.6', 'media.ttlHours', False),
    ('2026.6.5', 'attachments.ttlHours', False),
    ('2026.9.6', 'attachments.ttlHours', True),
    ('2026.6.5', 'session.maintenance.pruneAfter', True),
    ('2026.9.6', 'logging.audit.enabled', True),
    ('2026.6.5', 'logging.audit.enabled', False),
])
def test_has_key_logging(version, path, expected):
    assert has_key(version, path) is expected
