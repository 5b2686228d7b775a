# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_devices with run_command answering from real recorded CLI output.

The cases live in ``fixtures/devices_cases.yml``: each names the exact
sequence of CLI calls the module must make and the recording
(``tests/unit/fixtures/cli/<version>/``) that answers each one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_devices
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')


TOKEN = 'f00dfeed' * 8
# A minute after devices_list_stale (2026.9.6) was taken.
DEFAULT_NOW_MS = 1796025520000

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'devices_cases.yml')) as handle:
    CASES = yaml.safe_load(handle)


def _token(value):
    if isinstance(value, list):
        return [_token(item) for item in value]
    if isinstance(value, dict):
        return dict((key, _token(item)) for key, item in value.items())
    return TOKEN if value == '<TOKEN>' else value


class Host(object):
    """A home with an OpenClaw package, and a run_command that plays a script of recorded calls."""

    def __init__(self, tmp_path, monkeypatch, version, calls, identity=None, now_ms=DEFAULT_NOW_MS,
                 store=None, listens=None):
        self.home = tmp_path / 'home'
        self.state = self.home / '.openclaw'
        self.state.mkdir(parents=True)
        package = tmp_path / 'pkg' / 'openclaw'
        package.mkdir(parents=True)
        (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
        self.binary = package / 'openclaw.mjs'
        self.binary.write_text('#!/usr/bin/env node\n')
        if identity:
            (self.state / 'identity').mkdir()
            text = '{not json' if identity == 'invalid' else json.dumps(
                {'version': 1, 'deviceId': identity, 'publicKeyPem': 'unused', 'createdAtMs': 1796025637179})
            (self.state / 'identity' / 'device.json').write_text(text)
        if store:
            # The device tables recorded from a real state database, and a config naming the port.
            helpers.write_device_store(self.state, version, store)
            (self.state / 'openclaw.json').write_text(json.dumps({'gateway': {'port': 18789}}))
        if listens is not None:
            monkeypatch.setattr(openclaw_devices.listen, 'listeners', lambda port: (
                [{'address': '127.0.0.1', 'family': 'ipv4', 'port': port, 'loopback': True}] if listens else []))
        self.version = version
        self.script = [(list(_token(args)), answer) for args, answer in calls]
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)
        monkeypatch.setattr(openclaw_devices.time, 'time', lambda: now_ms / 1000.0)

    def run_command(self, args, **kwargs):
        self.calls.append({'args': args, 'kwargs': kwargs})
        assert len(self.calls) <= len(self.script), 'unexpected CLI call %r' % (args,)
        expected, answer = self.script[len(self.calls) - 1]
        assert args[:3] == ['timeout', '--kill-after=10', '60']
        assert args[3] == str(self.binary)
        assert args[4:] == expected, 'call %d' % len(self.calls)
        if isinstance(answer, list):
            return tuple(answer)
        rec = helpers.recording(self.version, answer)
        return rec['rc'], rec['stdout'], rec['stderr']

    def args(self, **extra):
        args = {'openclaw_bin': str(self.binary), 'home': str(self.home)}
        args.update(extra)
        return args


def _names(rows):
    return dict((row['display_name'] or row['client_id'], row['decision']) for row in rows)


@pytest.mark.parametrize('case', CASES, ids=[case['id'] for case in CASES])
def test_openclaw_devices(case, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, str(case['version']), case['calls'], case.get('identity'),
                case.get('now', DEFAULT_NOW_MS), case.get('store'), case.get('listens'))
    args = host.args(**_token(case['args']))
    if case.get('check_mode'):
        args['_ansible_check_mode'] = True
    if case.get('diff'):
        args['_ansible_diff'] = True
    result = helpers.run_module(openclaw_devices, args, capsys)
    expected = dict(case['expect'])

    assert len(host.calls) == len(host.script), 'made %d of %d calls' % (len(host.calls), len(host.script))
    failed = expected.pop('failed', False)
    assert bool(result.get('failed')) is failed, result.get('msg')
    assert result['_exit'] == (1 if failed else 0)
    assert result['version'] == (str(case['version']) if case['calls'] or case.get('store') else None)
    assert result['cli_calls'] == len(host.calls)
    # No token value anywhere: not the one given, not one the CLI could print.
    assert TOKEN not in result['_raw']
    given = result['invocation']['module_args']['token']
    assert given in (None, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER')
    rest = dict((key, value) for key, value in result.items() if key not in ('invocation', '_raw'))
    assert '"token":' not in json.dumps(rest)
    if case.get('check_mode'):
        assert all(call['args'][4:6] == ['devices', 'list'] for call in host.calls)
    for call in host.calls:
        assert call['kwargs']['environ_update']['HOME'] == str(host.home)
        assert call['kwargs']['check_rc'] is False

    helpers.check_messages(result, expected)
    if 'paired' in expected:
        assert _names(result['paired']) == expected.pop('paired')
    if 'pending' in expected:
        assert _names(result['pending']) == expected.pop('pending')
    if 'actions' in expected:
        assert [[a['action'], a['display_name'] or a['device_id']] for a in result['actions']] == \
            expected.pop('actions')
    for key in ('diff_before_has', 'diff_after_has'):
        side = key.split('_')[1]
        for text in expected.pop(key, []):
            assert text in result['diff'][side], result['diff'][side]
    for key, value in expected.items():
        assert result[key] == value, key


def test_no_change_run_without_diff_has_no_diff(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', [(['devices', 'list', '--json'], 'devices_list_empty')])
    result = helpers.run_module(openclaw_devices, host.args(), capsys)
    assert 'diff' not in result and result['changed'] is False


def test_returned_rows_carry_the_documented_keys(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', [(['devices', 'list', '--json'], 'devices_list_stale')])
    result = helpers.run_module(openclaw_devices, host.args(allowed=['alice-laptop'], _ansible_check_mode=True),
                                capsys)
    paired = result['paired'][1]
    for key in ('device_id', 'display_name', 'client_id', 'platform', 'roles', 'approved_at', 'last_seen_at',
                'connected', 'decision', 'reason', 'pending_node_surface'):
        assert key in paired
    assert paired['approved_at'] == '2026-11-30T07:56:42Z'
    assert paired['idle_seconds'] == 60
    for key in ('request_id', 'device_id', 'display_name', 'decision', 'reason'):
        assert key in result['pending'][0]
    for action in result['actions']:
        assert set(['action', 'device_id', 'display_name', 'request_id', 'role', 'reason']) <= set(action)


def test_the_token_never_shows_even_when_the_cli_repeats_it(tmp_path, monkeypatch, capsys):
    # The CLI echoing its argument list back is not something it was seen to do;
    # the recording's real error text is kept and the token put where an echo would be.
    rec = helpers.recording('2026.9.6', 'devices_list_wrong_token')
    echoed = rec['stderr'] + 'argv: --token %s\n' % TOKEN
    host = Host(tmp_path, monkeypatch, '2026.9.6',
                [(['devices', 'list', '--json', '--token', TOKEN], [1, rec['stdout'].replace(
                    'gateway token mismatch', 'gateway token mismatch ' + TOKEN), echoed])])
    result = helpers.run_module(openclaw_devices, host.args(token=TOKEN), capsys)
    assert result['failed'] is True
    assert TOKEN not in result['_raw']
    assert 'gateway token mismatch' in result['msg']


def test_timeout_is_reported_without_the_token(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6',
                [(['devices', 'list', '--json', '--token', TOKEN], [124, '', ''])])
    result = helpers.run_module(openclaw_devices, host.args(token=TOKEN), capsys)
    assert result['failed'] is True
    assert 'did not finish within 60 s' in result['msg'] and 'timeout' in result['msg']
    assert '--token <token>' in result['msg'] and TOKEN not in result['_raw']
