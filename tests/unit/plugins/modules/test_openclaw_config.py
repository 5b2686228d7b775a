# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_config on a throwaway state folder, validation answered from recordings.

The installed OpenClaw is a package folder with a real ``package.json``, so the
module reads the host's version the way it does on a host. ``run_command``
answers ``openclaw config validate --json`` with the output recorded from that
version (``tests/unit/fixtures/cli/<version>/config-validate-*.json``) and
fails the test for any other command.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import re
import stat

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_config
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')

warnings_of = helpers.warnings_of

MASK = '********'

META_96 = {'lastTouchedVersion': '2026.9.6', 'lastTouchedAt': '2026-11-20T08:15:00.123Z'}
META_65 = {'lastTouchedVersion': '2026.6.5', 'lastTouchedAt': '2026-06-30T21:04:11.000Z'}


def dumped(data):
    """The text the module writes: two-space indent, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + '\n'


class Host(object):
    """A home with an OpenClaw package of one version and a state folder."""

    def __init__(self, tmp_path, monkeypatch, version, live=None, mode=0o600, answer='valid'):
        self.version = version
        self.home = tmp_path / 'home'
        self.state = self.home / '.openclaw'
        self.state.mkdir(parents=True)
        os.chmod(str(self.state), 0o700)
        package = tmp_path / 'pkg' / 'openclaw'
        package.mkdir(parents=True)
        (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
        self.binary = package / 'openclaw.mjs'
        self.binary.write_text('#!/usr/bin/env node\n')
        os.chmod(str(self.binary), 0o755)
        self.path = self.state / 'openclaw.json'
        if live is not None:
            if isinstance(live, dict):
                live = dumped(live)
            if not isinstance(live, bytes):
                live = live.encode('utf-8')
            self.path.write_bytes(live)
            os.chmod(str(self.path), mode)
        self.answer = answer
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)

    def run_command(self, args, **kwargs):
        assert isinstance(args, list), args
        assert args[:3] == ['timeout', '--kill-after=10', '120'], args
        assert args[3] == str(self.binary), args
        assert args[4:] == ['config', 'validate', '--json'], 'unexpected command %r' % (args,)
        env = kwargs['environ_update']
        candidate = env['OPENCLAW_CONFIG_PATH']
        st = os.lstat(candidate)
        with open(candidate, 'rb') as handle:
            content = handle.read()
        self.calls.append({'args': args, 'env': env, 'candidate': candidate, 'content': content,
                           'mode': stat.S_IMODE(st.st_mode), 'regular': stat.S_ISREG(st.st_mode),
                           'inode': st.st_ino,
                           'live_at_validation': self.live_bytes()})
        rec = helpers.recording(self.version, 'config-validate-' + self.answer)
        return rec['rc'], rec['stdout'], rec['stderr']

    def live_bytes(self):
        return self.path.read_bytes() if self.path.exists() else None

    def listing(self):
        return sorted(os.listdir(str(self.state)))

    def backups(self):
        return sorted(name for name in self.listing() if name.endswith('.clawfleet.bak'))

    def args(self, fragments, **extra):
        args = {'path': str(self.path), 'fragments': fragments, 'openclaw_bin': str(self.binary),
                'home': str(self.home)}
        args.update(extra)
        return args


def run_module(args, capsys):
    return helpers.run_module(openclaw_config, args, capsys)


# --------------------------------------------------------------------------
# Table of cases: live file, fragments, expected outcome.
# --------------------------------------------------------------------------

LIVE_96 = {
    'meta': META_96,
    'gateway': {'mode': 'local', 'bind': 'lan', 'port': 18789,
                'controlUi': {'enabled': True, 'allowedOrigins': ['https://a.example']}},
    'channels': {'telegram': {'accounts': {'personal': {'enabled': True, 'dmPolicy': 'pairing'}}}},
    'plugins': {'entries': {'my-own-plugin': {'enabled': True, 'config': {'ratio': 0.1, 'big': 9007199254740993,
                                                                          'name': u'Zo\u00eb \u2603', 'empty': []}}}},
    'tools': {'exec': {'mode': 'allowlist', 'timeoutSeconds': 30}},
    'models': {'providers': {'anthropic': {'models': [
        {'id': 'claude-a', 'contextWindow': 100000, 'cost': {'input': 3}},
        {'id': 'claude-old', 'contextWindow': 50000},
        {'id': 'claude-z', 'alias': 'z'},
    ]}}},
}

LIVE_65 = {
    'meta': META_65,
    'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789},
    'agents': {'list': [
        {'id': 'main', 'default': True, 'model': 'anthropic/claude-a', 'tools': {'profile': 'messaging'}},
        {'id': 'coder', 'model': 'anthropic/claude-a'},
    ]},
}


def merged_96_expected():
    return {
        'meta': META_96,
        'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789,
                    'controlUi': {'enabled': False, 'allowedOrigins': ['https://a.example']}},
        'channels': {'telegram': {'accounts': {'personal': {'enabled': True, 'dmPolicy': 'pairing'}}}},
        'plugins': LIVE_96['plugins'],
        'tools': {'exec': {'mode': 'allowlist', 'timeoutSeconds': 30}},
        'models': LIVE_96['models'],
    }


def models_merged():
    expected = merged_96_expected()
    expected['models'] = {'providers': {'anthropic': {'models': [
        {'id': 'claude-a', 'contextWindow': 200000, 'cost': {'input': 3}},
        {'id': 'claude-z', 'alias': 'z'},
        {'id': 'claude-new', 'contextWindow': 64000},
    ]}}}
    return expected


def deleted_expected():
    expected = merged_96_expected()
    del expected['tools']['exec']['timeoutSeconds']
    del expected['channels']
    return expected


def agents_65_expected():
    return {
        'meta': META_65,
        'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789},
        'agents': {'list': [
            {'id': 'main', 'default': True, 'model': 'anthropic/claude-a',
             'tools': {'profile': 'messaging', 'deny': ['group:runtime']}},
            {'id': 'coder', 'model': 'anthropic/claude-b'},
            {'id': 'reader', 'model': 'anthropic/claude-a'},
        ]},
    }


GATEWAY_FRAGMENT = {'gateway': {'bind': 'loopback', 'controlUi': {'enabled': False}}}

# id, version, live file, fragments, module args, validation answer, expected
CASES = [
    ('merge keeps unmanaged keys and meta', '2026.9.6', LIVE_96, [GATEWAY_FRAGMENT], {}, 'valid',
     dict(changed=True, written=merged_96_expected(), calls=1, backup=True,
          changes=[('gateway.bind', 'change', 'lan', 'loopback'),
                   ('gateway.controlUi.enabled', 'change', True, False)])),
    ('merge on 2026.6.5', '2026.6.5', dict(LIVE_65, gateway={'mode': 'local', 'bind': 'lan', 'port': 18789}),
     [{'gateway': {'bind': 'loopback'}}], {}, 'valid',
     dict(changed=True, written=dict(LIVE_65), calls=1, backup=True,
          changes=[('gateway.bind', 'change', 'lan', 'loopback')])),
    ('id-keyed list merges item by item', '2026.9.6', LIVE_96,
     [GATEWAY_FRAGMENT,
      {'models': {'providers': {'anthropic': {'models': [
          {'id': 'claude-new', 'contextWindow': 64000},
          {'id': 'claude-a', 'contextWindow': 200000},
          {'id': 'claude-old', '$delete': True},
      ]}}}}], {}, 'valid',
     dict(changed=True, written=models_merged(), calls=1, backup=True,
          changes=[('gateway.bind', 'change', 'lan', 'loopback'),
                   ('gateway.controlUi.enabled', 'change', True, False),
                   ('models.providers.anthropic.models[id=claude-a].contextWindow', 'change', 100000, 200000),
                   ('models.providers.anthropic.models[id=claude-new]', 'add', None,
                    {'id': 'claude-new', 'contextWindow': 64000}),
                   ('models.providers.anthropic.models[id=claude-old]', 'remove',
                    {'id': 'claude-old', 'contextWindow': 50000}, None)])),
    ('null deletes, a missing key is no error', '2026.9.6', LIVE_96,
     [GATEWAY_FRAGMENT, {'channels': None, 'hooks': None,
                         'tools': {'exec': {'timeoutSeconds': None}, 'elevated': None}}], {}, 'valid',
     dict(changed=True, written=deleted_expected(), calls=1, backup=True,
          changes=[('channels', 'remove',
                    {'telegram': {'accounts': {'personal': {'enabled': True, 'dmPolicy': 'pairing'}}}}, None),
                   ('gateway.bind', 'change', 'lan', 'loopback'),
                   ('gateway.controlUi.enabled', 'change', True, False),
                   ('tools.exec.timeoutSeconds', 'remove', 30, None)])),
    ('no change: no Node start, nothing written', '2026.9.6', LIVE_96,
     [{'gateway': {'bind': 'lan', 'controlUi': {'enabled': True}}, 'channels': {'discord': None}}], {}, 'valid',
     dict(changed=False, content_changed=False, written=None, calls=0, backup=False, changes=[])),
    ('mode 0644 only: changed without validation', '2026.9.6', LIVE_96,
     [{'gateway': {'bind': 'lan'}}], {'_mode': 0o644}, 'valid',
     dict(changed=True, content_changed=False, written=None, calls=0, backup=False, changes=[], mode=0o600)),
    ('validate false writes without Node', '2026.9.6', LIVE_96, [GATEWAY_FRAGMENT], {'validate': False}, 'valid',
     dict(changed=True, written=merged_96_expected(), calls=0, backup=True, validated=False)),
    ('backup false keeps no copy', '2026.9.6', LIVE_96, [GATEWAY_FRAGMENT], {'backup': False}, 'valid',
     dict(changed=True, written=merged_96_expected(), calls=1, backup=False)),
    ('validation failure 2026.9.6', '2026.9.6', LIVE_96, [GATEWAY_FRAGMENT], {}, 'invalid',
     dict(failed=True, written=None, calls=1, backup=False,
          msg_has=['OpenClaw 2026.9.6 rejected the new config', 'the live file was not changed',
                   'logging: Unrecognized key: "redactSensitive"', '<root>: Unrecognized key: "bogusTopLevel"'],
          issues=6)),
    ('validation failure 2026.6.5', '2026.6.5', dict(LIVE_65, gateway={'mode': 'local', 'bind': 'lan'}),
     [{'gateway': {'bind': 'loopback'}}], {}, 'invalid',
     dict(failed=True, written=None, calls=1, backup=False,
          msg_has=['OpenClaw 2026.6.5 rejected', 'gateway.port: Invalid input', '<root>: Invalid input'],
          issues=3)),
    ('compat: allowInsecureAuth dropped on 2026.9.6', '2026.9.6', LIVE_96,
     [{'gateway': {'bind': 'loopback', 'controlUi': {'enabled': False, 'allowInsecureAuth': True}}}], {}, 'valid',
     dict(changed=True, written=merged_96_expected(), calls=1, backup=True,
          compat=['gateway.controlUi.allowInsecureAuth dropped: OpenClaw 2026.9.6 no longer has it'],
          warning_has='gateway.controlUi.allowInsecureAuth dropped')),
    ('compat: allowInsecureAuth kept on 2026.6.5', '2026.6.5', LIVE_65,
     [{'gateway': {'controlUi': {'allowInsecureAuth': True}}}], {}, 'valid',
     dict(changed=True, calls=1, backup=True, compat=[],
          written=dict(LIVE_65, gateway={'mode': 'local', 'bind': 'loopback', 'port': 18789,
                                         'controlUi': {'allowInsecureAuth': True}}),
          changes=[('gateway.controlUi', 'add', None, {'allowInsecureAuth': True})])),
    ('compat: agents.entries written as agents.list on 2026.6.5', '2026.6.5', LIVE_65,
     [{'agents': {'entries': {'main': {'tools': {'deny': ['group:runtime']}},
                              'coder': {'model': 'anthropic/claude-b'},
                              'reader': {'model': 'anthropic/claude-a'}}}}], {}, 'valid',
     dict(changed=True, calls=1, backup=True, written=agents_65_expected(),
          compat=['agents.entries translated to agents.list for OpenClaw 2026.6.5'],
          warning_has='agents.entries translated to agents.list',
          changes=[('agents.list[id=coder].model', 'change', 'anthropic/claude-a', 'anthropic/claude-b'),
                   ('agents.list[id=main].tools.deny', 'add', None, ['group:runtime']),
                   ('agents.list[id=reader]', 'add', None, {'id': 'reader', 'model': 'anthropic/claude-a'})])),
    ('gateway_port from the fragment', '2026.9.6', LIVE_96,
     [dict(GATEWAY_FRAGMENT, gateway={'bind': 'loopback', 'port': 18800, 'controlUi': {'enabled': False}})], {},
     'valid', dict(changed=True, calls=1, gateway_port=18800)),
    ('gateway_port from the live file', '2026.9.6', dict(LIVE_96, gateway={'mode': 'local', 'port': 18900}),
     [{'gateway': {'mode': 'local'}}], {}, 'valid',
     dict(changed=False, calls=0, gateway_port=18900)),
    ('gateway_port default', '2026.9.6', {'meta': META_96, 'gateway': {'mode': 'local'}},
     [{'gateway': {'bind': 'loopback'}}], {}, 'valid',
     dict(changed=True, calls=1, gateway_port=18789)),
    ('not JSON and not JSON5', '2026.9.6', 'gateway = local\nbind = loopback\n',
     [GATEWAY_FRAGMENT], {}, 'valid',
     dict(failed=True, written=None, calls=0, backup=False,
          msg_has=['is not valid JSON and was left untouched', 'line 1 column 1', 'Fix it by hand'])),
    ('top level not an object', '2026.9.6', '[{"gateway": {"mode": "local"}}]\n',
     [GATEWAY_FRAGMENT], {}, 'valid',
     dict(failed=True, written=None, calls=0, backup=False, msg_has=['the top level is an array'])),
]


@pytest.mark.parametrize('version,live,fragments,args,answer,expected', [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_openclaw_config(version, live, fragments, args, answer, expected, tmp_path, monkeypatch, capsys):
    args = dict(args)
    mode = args.pop('_mode', 0o600)
    host = Host(tmp_path, monkeypatch, version, live, mode=mode, answer=answer)
    old_bytes = host.live_bytes()
    old_stat = os.stat(str(host.path))
    listing = host.listing()
    result = run_module(host.args(fragments, **args), capsys)
    expected = dict(expected)

    failed = expected.pop('failed', False)
    assert bool(result.get('failed')) is failed, result.get('msg')
    assert result['_exit'] == (1 if failed else 0)
    assert len(host.calls) == expected.pop('calls')
    for call in host.calls:
        # the candidate sat next to the live file, private, while OpenClaw read it
        assert os.path.dirname(call['candidate']) == str(host.state)
        assert os.path.basename(call['candidate']).startswith('.openclaw.json.candidate.')
        assert call['candidate'] != str(host.path)
        assert call['regular'] and call['mode'] == 0o600
        assert call['live_at_validation'] == old_bytes
        assert call['env']['HOME'] == str(host.home)
        assert call['env']['LC_ALL'] == 'C'

    for text in expected.pop('msg_has', []):
        assert text in result['msg'], result['msg']
    if 'issues' in expected:
        assert len(result['issues']) == expected.pop('issues')

    written = expected.pop('written', 'skip')
    if written is None:
        # nothing written: same bytes, same mtime, nothing left in the folder
        assert host.live_bytes() == old_bytes
        assert os.stat(str(host.path)).st_mtime_ns == old_stat.st_mtime_ns
        assert host.listing() == listing
    elif written != 'skip':
        text = host.live_bytes().decode('utf-8')
        assert json.loads(text) == written
        assert text == dumped(written)
        assert stat.S_IMODE(os.stat(str(host.path)).st_mode) == 0o600
        for call in host.calls:
            assert call['content'].decode('utf-8') == text
        # no candidate left over
        assert not [name for name in host.listing() if '.candidate.' in name]

    backup = expected.pop('backup', None)
    if backup is True:
        assert len(host.backups()) == 1
        name = host.backups()[0]
        assert re.match(r'^openclaw\.json\.\d{8}T\d{12}\.clawfleet\.bak$', name), name
        assert result['backup_file'] == str(host.state / name)
        backup_path = host.state / name
        assert backup_path.read_bytes() == old_bytes
        assert stat.S_IMODE(os.stat(str(backup_path)).st_mode) == 0o600
    elif backup is False:
        assert host.backups() == []
        assert 'backup_file' not in result

    if 'mode' in expected:
        assert stat.S_IMODE(os.stat(str(host.path)).st_mode) == expected.pop('mode')
    if 'changes' in expected:
        got = [(c['path'], c['action'], c['before'], c['after']) for c in result['changes']]
        assert got == expected.pop('changes')
    if 'compat' in expected:
        wanted = expected.pop('compat')
        assert len(result['compat_warnings']) == len(wanted), result['compat_warnings']
        for got, prefix in zip(result['compat_warnings'], wanted):
            assert got.startswith(prefix), got
    if 'warning_has' in expected:
        text = expected.pop('warning_has')
        assert any(text in warning for warning in warnings_of(result)), warnings_of(result)
    if not failed:
        assert result['version'] == version
        assert result['path'] == str(host.path)
        validated = expected.pop('validated', len(host.calls) == 1)
        assert result['validated'] is validated
        assert result['validation_warnings'] == []
        assert result['includes'] == []
        if 'content_changed' not in expected:
            assert result['content_changed'] is expected['changed']
    for key, value in expected.items():
        assert result[key] == value, key


# --------------------------------------------------------------------------
# Single behaviours
# --------------------------------------------------------------------------

def test_meta_and_unmanaged_values_are_kept_exactly(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['changed'] is True
    new = json.loads(host.live_bytes().decode('utf-8'))
    # same values, same types, same key order
    assert json.dumps(new['meta']) == json.dumps(META_96)
    assert json.dumps(new['plugins']) == json.dumps(LIVE_96['plugins'])
    assert new['plugins']['entries']['my-own-plugin']['config']['big'] == 9007199254740993
    assert isinstance(new['plugins']['entries']['my-own-plugin']['config']['ratio'], float)
    assert list(new) == list(LIVE_96)
    assert u'Zo\u00eb \u2603' in host.live_bytes().decode('utf-8')


def test_no_change_keeps_mtime_and_starts_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    past = 1700000000
    os.utime(str(host.path), (past, past))
    before = os.stat(str(host.path))
    result = run_module(host.args([{'gateway': {'mode': 'local', 'port': 18789}}], _ansible_diff=True), capsys)
    after = os.stat(str(host.path))
    assert result['changed'] is False
    assert host.calls == []
    assert after.st_mtime_ns == before.st_mtime_ns
    assert after.st_ino == before.st_ino
    assert result['diff']['before'] == result['diff']['after']


def test_check_mode_writes_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    mtime = os.stat(str(host.path)).st_mtime_ns
    listing = host.listing()
    result = run_module(host.args([GATEWAY_FRAGMENT], _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert result['changed'] is True
    assert result['content_changed'] is True
    assert [(c['path'], c['action']) for c in result['changes']] == [
        ('gateway.bind', 'change'), ('gateway.controlUi.enabled', 'change')]
    assert json.loads(result['diff']['before']) == LIVE_96
    assert json.loads(result['diff']['after']) == merged_96_expected()
    assert result['diff']['before_header'] == result['diff']['after_header'] == str(host.path)
    assert host.calls == []
    assert host.live_bytes() == old
    assert os.stat(str(host.path)).st_mtime_ns == mtime
    assert host.listing() == listing
    assert 'backup_file' not in result
    assert result['validated'] is False


def test_check_mode_reports_a_mode_fix(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96, mode=0o644)
    result = run_module(host.args([{'gateway': {'bind': 'lan'}}], _ansible_check_mode=True), capsys)
    assert result['changed'] is True
    assert result['content_changed'] is False
    assert stat.S_IMODE(os.stat(str(host.path)).st_mode) == 0o644
    assert host.calls == []


def test_check_mode_new_file(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    result = run_module(host.args([GATEWAY_FRAGMENT], _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert result['changed'] is True
    assert result['diff']['before'] == ''
    assert json.loads(result['diff']['after'])['meta'] == {'lastTouchedVersion': '2026.9.6'}
    assert not host.path.exists()
    assert host.calls == []


GATEWAY_TOKEN = 'my-own-gateway-token-written-by-hand'
API_KEY = 'sk-ant-api03-' + 'Qx7vL2mN9pR4tW8yB3cF6hJ1kD5gS0aE' + '-AbCdEf'
LEAKY_LIVE = {
    'meta': META_96,
    'gateway': {'mode': 'local', 'bind': 'lan', 'auth': {'mode': 'token', 'token': GATEWAY_TOKEN}},
    'models': {'providers': {'anthropic': {'apiKey': API_KEY, 'baseUrl': 'https://api.anthropic.com'}}},
    'tools': {'web': {'fetch': {'headers': {'Authorization': 'Bearer ' + API_KEY}}}},
}
# Moves the token to a SecretRef and drops the inline key; never names a secret itself.
SECRET_FRAGMENT = {
    'gateway': {'bind': 'loopback', 'auth': {'token': '${OPENCLAW_GATEWAY_TOKEN}'}},
    'models': {'providers': {'anthropic': {'apiKey': None}}},
}


@pytest.mark.parametrize('check_mode', [True, False], ids=['check', 'write'])
def test_secrets_never_in_result(check_mode, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LEAKY_LIVE)
    result = run_module(host.args([SECRET_FRAGMENT], _ansible_check_mode=check_mode, _ansible_diff=True), capsys)
    assert result['changed'] is True
    raw = json.dumps(result)
    assert GATEWAY_TOKEN not in raw
    assert API_KEY not in raw
    assert API_KEY[:24] not in raw
    changes = dict((c['path'], c) for c in result['changes'])
    assert changes['gateway.auth.token']['before'] == MASK
    assert changes['gateway.auth.token']['after'] == '${OPENCLAW_GATEWAY_TOKEN}'
    assert changes['models.providers.anthropic.apiKey']['action'] == 'remove'
    assert changes['models.providers.anthropic.apiKey']['before'] == MASK
    before = json.loads(result['diff']['before'])
    assert before['gateway']['auth']['token'] == MASK
    assert before['tools']['web']['fetch']['headers']['Authorization'] == MASK
    # the settings that are not secret stay readable
    assert before['models']['providers']['anthropic']['baseUrl'] == 'https://api.anthropic.com'
    assert changes['gateway.bind']['before'] == 'lan'
    if not check_mode:
        written = json.loads(host.live_bytes().decode('utf-8'))
        # the file itself keeps what the fragment did not touch
        assert written['tools']['web']['fetch']['headers']['Authorization'] == 'Bearer ' + API_KEY
        assert 'apiKey' not in written['models']['providers']['anthropic']


def test_validation_failure_leaves_no_trace(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LEAKY_LIVE, answer='invalid')
    old = host.live_bytes()
    listing = host.listing()
    result = run_module(host.args([SECRET_FRAGMENT]), capsys)
    assert result['failed'] is True
    assert host.live_bytes() == old
    assert host.listing() == listing == ['openclaw.json']
    assert len(host.calls) == 1 and not os.path.exists(host.calls[0]['candidate'])
    assert [i['path'] for i in result['issues']] == [
        'logging', 'gateway.port', 'gateway.bind', 'gateway.controlUi', 'gateway.tailscale', '<root>']
    assert GATEWAY_TOKEN not in result['_raw'] and API_KEY not in result['_raw']


def test_successful_write_and_backup(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96, mode=0o640)
    old = host.live_bytes()
    old_inode = os.stat(str(host.path)).st_ino
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['changed'] is True and result['validated'] is True
    backup = result['backup_file']
    assert os.path.dirname(backup) == str(host.state)
    assert re.match(r'^openclaw\.json\.\d{8}T\d{12}\.clawfleet\.bak$', os.path.basename(backup))
    with open(backup, 'rb') as handle:
        assert handle.read() == old
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    st = os.stat(str(host.path))
    assert stat.S_IMODE(st.st_mode) == 0o600
    # the validated candidate was renamed over the live file, not copied into it
    assert st.st_ino != old_inode
    assert st.st_ino == host.calls[0]['inode']
    assert not os.path.exists(host.calls[0]['candidate'])
    assert json.loads(host.live_bytes().decode('utf-8')) == merged_96_expected()
    assert host.listing() == sorted(['openclaw.json', os.path.basename(backup)])


def test_backups_to_keep_prunes_the_oldest(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old_names = ['openclaw.json.20260101T000000000000.clawfleet.bak',
                 'openclaw.json.20260301T120000000000.clawfleet.bak',
                 'openclaw.json.20260202T000000000000.clawfleet.bak']
    for name in old_names:
        (host.state / name).write_text('{}\n')
    # not this module's: never pruned
    (host.state / 'openclaw.json.bak').write_text('{}\n')
    (host.state / 'openclaw.json.last-good').write_text('{}\n')
    result = run_module(host.args([GATEWAY_FRAGMENT], backups_to_keep=2), capsys)
    assert result['changed'] is True
    new_backup = os.path.basename(result['backup_file'])
    assert host.backups() == sorted(['openclaw.json.20260301T120000000000.clawfleet.bak', new_backup])
    assert (host.state / 'openclaw.json.bak').exists()
    assert (host.state / 'openclaw.json.last-good').exists()


@pytest.mark.parametrize('version,meta_keys', [
    ('2026.9.6', ['lastTouchedVersion']),
    ('2026.6.5', ['lastTouchedVersion', 'lastTouchedAt']),
])
def test_new_file_gets_meta_and_no_backup(version, meta_keys, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, version)
    assert not host.path.exists()
    start = datetime.datetime.utcnow().replace(microsecond=0)
    result = run_module(host.args([{'gateway': {'mode': 'local', 'bind': 'loopback'}}]), capsys)
    end = datetime.datetime.utcnow()
    assert result['changed'] is True
    assert 'backup_file' not in result
    assert host.backups() == []
    data = json.loads(host.live_bytes().decode('utf-8'))
    assert sorted(data['meta']) == sorted(meta_keys)
    assert data['meta']['lastTouchedVersion'] == version
    assert data['gateway'] == {'mode': 'local', 'bind': 'loopback'}
    if 'lastTouchedAt' in meta_keys:
        stamp = data['meta']['lastTouchedAt']
        assert re.match(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$', stamp), stamp
        when = datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S.000Z')
        assert start <= when <= end
    assert stat.S_IMODE(os.stat(str(host.path)).st_mode) == 0o600
    assert len(host.calls) == 1
    assert ('meta', 'add') in [(c['path'], c['action']) for c in result['changes']]


def test_new_file_in_a_missing_folder(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    path = host.home / 'fresh' / 'openclaw.json'
    result = run_module(dict(host.args([GATEWAY_FRAGMENT]), path=str(path)), capsys)
    assert result['changed'] is True
    assert path.is_file()
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700
    assert os.path.dirname(host.calls[0]['candidate']) == str(path.parent)


def test_symlinked_config_is_refused(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    target = host.state / 'real.json'
    target.write_text(dumped(LIVE_96))
    os.symlink('real.json', str(host.path))
    old = target.read_bytes()
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['failed'] is True
    assert 'is a symlink' in result['msg']
    assert os.path.islink(str(host.path)) and os.readlink(str(host.path)) == 'real.json'
    assert target.read_bytes() == old
    assert host.listing() == ['openclaw.json', 'real.json']
    assert host.calls == []


def test_dangling_symlinked_config_is_refused(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    os.symlink('/nonexistent/openclaw.json', str(host.path))
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert os.path.islink(str(host.path))
    assert result.get('failed') is True


def test_not_utf8_fails_cleanly(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', b'{"gateway": {"mode": "\xff\xfe local"}}\n')
    old = host.live_bytes()
    try:
        result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    finally:
        assert host.live_bytes() == old
        assert host.listing() == ['openclaw.json']
    assert result['failed'] is True
    assert 'UTF-8' in result['msg']


def test_include_reported_with_warning(tmp_path, monkeypatch, capsys):
    live = dict(LIVE_65, agents={'$include': './agents.json5'},
                channels={'$include': ['./telegram.json5', './slack.json5']})
    host = Host(tmp_path, monkeypatch, '2026.6.5', live)
    (host.state / 'agents.json5').write_text('{list: [{id: "main"}]}\n')
    include_bytes = (host.state / 'agents.json5').read_bytes()
    result = run_module(host.args([{'gateway': {'bind': 'lan'}}]), capsys)
    assert result['changed'] is True
    assert result['includes'] == ['agents.$include', 'channels.$include']
    assert any('$include' in w and 'agents.$include, channels.$include' in w for w in warnings_of(result)), \
        warnings_of(result)
    written = json.loads(host.live_bytes().decode('utf-8'))
    assert written['agents'] == {'$include': './agents.json5'}
    assert written['channels'] == {'$include': ['./telegram.json5', './slack.json5']}
    assert (host.state / 'agents.json5').read_bytes() == include_bytes


def test_no_include_no_warning(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['includes'] == []
    assert warnings_of(result) == []


def big_live():
    live = {'meta': META_96, 'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789}}
    live['skills'] = {'entries': dict(('skill-%02d' % i, {'enabled': True, 'notes': 'kept by the owner ' * 3})
                                      for i in range(20))}
    return live


@pytest.mark.parametrize('fragment,warned', [
    ({'skills': None}, True),
    ({'skills': {'entries': {'skill-00': None}}}, False),
], ids=['shrinks below half', 'small removal'])
def test_shrink_warning(fragment, warned, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', big_live())
    old_size = len(host.live_bytes())
    assert old_size >= 512
    result = run_module(host.args([fragment]), capsys)
    assert result['changed'] is True
    new_size = len(host.live_bytes())
    texts = [w for w in warnings_of(result) if 'less than half the size' in w]
    if warned:
        assert new_size * 2 < old_size
        assert len(texts) == 1
        assert '(%d -> %d bytes)' % (old_size, new_size) in texts[0]
    else:
        assert texts == []


def test_shrink_warning_small_file(tmp_path, monkeypatch, capsys):
    # below 512 bytes OpenClaw does not apply its size guard, and neither does the module
    live = {'meta': META_96, 'gateway': {'mode': 'local'}, 'skills': {'entries': {'a': {'notes': 'x' * 200}}}}
    host = Host(tmp_path, monkeypatch, '2026.9.6', live)
    result = run_module(host.args([{'skills': None}]), capsys)
    assert result['changed'] is True
    assert not [w for w in warnings_of(result) if 'less than half' in w]


def test_version_option_overrides_the_package(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    result = run_module(host.args([{'gateway': {'controlUi': {'allowInsecureAuth': True}}}],
                                  version='2026.6.5', validate=False), capsys)
    assert result['version'] == '2026.6.5'
    assert result['compat_warnings'] == []
    assert json.loads(host.live_bytes().decode('utf-8'))['gateway']['controlUi']['allowInsecureAuth'] is True


def test_missing_binary_fails_before_touching(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    result = run_module(host.args([GATEWAY_FRAGMENT], openclaw_bin=str(tmp_path / 'none' / 'openclaw')), capsys)
    assert result['failed'] is True
    assert 'openclaw executable not found' in result['msg']
    assert host.live_bytes() == old and host.calls == []


def test_json5_without_node_is_refused(tmp_path, monkeypatch, capsys):
    """JSON5 is read only through OpenClaw's own parser; without it the file is left alone."""
    host = Host(tmp_path, monkeypatch, '2026.9.6', '// mine\n{gateway: {mode: "local",},}\n')
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, *a, **k: None)
    old = host.live_bytes()
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['failed'] is True
    assert 'left untouched' in result['msg']
    assert host.live_bytes() == old and host.calls == []


def test_boolean_replacing_a_number_is_a_change(tmp_path, monkeypatch, capsys):
    live = {'meta': META_96, 'gateway': {'mode': 'local', 'controlUi': {'enabled': 0}}}
    host = Host(tmp_path, monkeypatch, '2026.9.6', live)
    result = run_module(host.args([{'gateway': {'controlUi': {'enabled': False}}}]), capsys)
    assert [(c['path'], c['before'], c['after']) for c in result['changes']] == [
        ('gateway.controlUi.enabled', 0, False)]
    assert result['changed'] is True
    assert json.loads(host.live_bytes().decode('utf-8'))['gateway']['controlUi']['enabled'] is False


def test_an_upgrade_translates_the_live_file(tmp_path, monkeypatch, capsys):
    # A 2026.6.5 config as the install scenario's user has it, now read by 2026.9.6.
    live = {'meta': dict(META_65), 'gateway': {'mode': 'local', 'port': 18789, 'controlUi': {'allowInsecureAuth': False}},
            'logging': {'redactSensitive': 'tools', 'level': 'info'}}
    host = Host(tmp_path, monkeypatch, '2026.9.6', live=live)
    untouched = run_module(host.args([], _ansible_check_mode=True), capsys)
    assert untouched['changed'] is False, 'without translate_existing the live file is left as it is'
    result = run_module(host.args([], translate_existing=True), capsys)
    assert result['_exit'] == 0, result.get('msg')
    assert sorted((change['path'], change['action']) for change in result['changes']) == [
        ('gateway.controlUi', 'remove'), ('logging.redactSensitive', 'remove'), ('meta.lastTouchedAt', 'remove')]
    assert json.loads(host.live_bytes()) == {'meta': {'lastTouchedVersion': '2026.6.5'},
                                             'gateway': {'mode': 'local', 'port': 18789},
                                             'logging': {'level': 'info'}}
    assert any('logging.redactSensitive dropped' in warning for warning in warnings_of(result))
    assert result['validated'] is True and len(host.backups()) == 1


# --------------------------------------------------------------------------
# private_dir: the state folder kept 0700 in the same call
# --------------------------------------------------------------------------

def folder_mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_private_dir_is_made_0700_without_a_write_then_nothing_changes(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    os.chmod(str(host.state), 0o755)
    old = host.live_bytes()
    fragment = [{'gateway': {'mode': 'local', 'port': 18789}}]
    result = run_module(host.args(fragment, private_dir=str(host.state)), capsys)
    assert result['changed'] is True and result['content_changed'] is False
    assert result['private_dir'] == {'path': str(host.state), 'old': '0755', 'new': '0700'}
    assert folder_mode(host.state) == 0o700 and host.live_bytes() == old and host.calls == []
    again = run_module(host.args(fragment, private_dir=str(host.state)), capsys)
    assert again['changed'] is False and again['private_dir'] is None


def test_private_dir_in_check_mode_is_reported_not_set(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    os.chmod(str(host.state), 0o750)
    result = run_module(host.args([{'gateway': {'port': 18789}}], private_dir=str(host.state),
                                  _ansible_check_mode=True), capsys)
    assert result['changed'] is True and result['private_dir']['old'] == '0750'
    assert folder_mode(host.state) == 0o750


def test_a_state_folder_of_another_user_fails_before_anything_is_written(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    os.chmod(str(host.state), 0o755)
    old = host.live_bytes()
    monkeypatch.setattr(os, 'geteuid', lambda: 4242)
    result = run_module(host.args([GATEWAY_FRAGMENT], private_dir=str(host.state)), capsys)
    assert result['failed'] is True
    assert 'Cannot keep the state folder private (nothing was written)' in result['msg']
    assert 'chown -R ' in result['msg']
    assert folder_mode(host.state) == 0o755 and host.live_bytes() == old and host.calls == []


def test_a_config_file_of_another_user_fails_with_the_fix(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96, mode=0o644)
    old = host.live_bytes()
    monkeypatch.setattr(os, 'geteuid', lambda: 4242)
    result = run_module(host.args([GATEWAY_FRAGMENT]), capsys)
    assert result['failed'] is True
    assert 'was not changed' in result['msg'] and 'chown ' in result['msg']
    assert host.live_bytes() == old and host.calls == []


# --------------------------------------------------------------------------
# write: stage, then commit (the config role's way under systemd).
# --------------------------------------------------------------------------

def commit_args(host, **extra):
    args = {'path': str(host.path), 'write': 'commit'}
    args.update(extra)
    return args


def test_stage_validates_and_leaves_the_live_file_then_commit_puts_it_in_place(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    old_inode = os.stat(str(host.path)).st_ino
    staged = str(host.path) + '.clawfleet.staged'

    result = run_module(host.args([GATEWAY_FRAGMENT], write='stage'), capsys)
    assert result['changed'] is True and result['content_changed'] is True and result['validated'] is True
    assert result['staged_file'] == staged
    # The live file a running Gateway watches is untouched; its backup is already taken.
    assert host.live_bytes() == old and os.stat(str(host.path)).st_ino == old_inode
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == old
    st = os.stat(staged)
    assert stat.S_IMODE(st.st_mode) == 0o600
    # The file OpenClaw validated is the one staged, renamed, not copied.
    assert len(host.calls) == 1 and st.st_ino == host.calls[0]['inode']
    assert not os.path.exists(host.calls[0]['candidate'])
    with open(staged, 'rb') as handle:
        assert json.loads(handle.read().decode('utf-8')) == merged_96_expected()
    assert host.listing() == sorted(['openclaw.json', 'openclaw.json.clawfleet.staged',
                                     os.path.basename(result['backup_file'])])

    committed = run_module(commit_args(host), capsys)
    assert committed['changed'] is True and committed['staged_file'] == staged
    assert not os.path.exists(staged)
    assert os.stat(str(host.path)).st_ino == st.st_ino
    assert stat.S_IMODE(os.stat(str(host.path)).st_mode) == 0o600
    assert json.loads(host.live_bytes().decode('utf-8')) == merged_96_expected()
    # Committing starts no OpenClaw.
    assert len(host.calls) == 1


def test_stage_replaces_an_earlier_staged_file(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    staged = host.state / 'openclaw.json.clawfleet.staged'
    staged.write_text('{"left": "from a run that stopped"}\n')
    os.chmod(str(staged), 0o600)
    result = run_module(host.args([GATEWAY_FRAGMENT], write='stage'), capsys)
    assert result['staged_file'] == str(staged)
    assert json.loads(staged.read_text()) == merged_96_expected()


@pytest.mark.parametrize('check_mode', [False, True])
def test_stage_without_a_change_or_in_check_mode_stages_nothing(check_mode, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    fragment = GATEWAY_FRAGMENT if check_mode else {'gateway': {'bind': 'lan'}}
    result = run_module(host.args([fragment], write='stage', _ansible_check_mode=check_mode), capsys)
    assert result['changed'] is check_mode
    assert 'staged_file' not in result and 'backup_file' not in result
    assert host.listing() == ['openclaw.json'] and host.live_bytes() == old and host.calls == []


def test_stage_fails_like_now_when_openclaw_rejects_the_file(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LEAKY_LIVE, answer='invalid')
    old = host.live_bytes()
    result = run_module(host.args([SECRET_FRAGMENT], write='stage'), capsys)
    assert result['failed'] is True and 'rejected the new config' in result['msg']
    assert host.listing() == ['openclaw.json'] and host.live_bytes() == old


def test_commit_in_check_mode_changes_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    run_module(host.args([GATEWAY_FRAGMENT], write='stage'), capsys)
    listing = host.listing()
    result = run_module(commit_args(host, _ansible_check_mode=True), capsys)
    assert result['changed'] is True
    assert host.live_bytes() == old and host.listing() == listing


def staged_as(host, content, mode=0o600, link=False):
    staged = host.state / 'openclaw.json.clawfleet.staged'
    if link:
        target = host.state / 'elsewhere.json'
        target.write_text(content)
        os.symlink(str(target), str(staged))
    else:
        staged.write_text(content)
        os.chmod(str(staged), mode)
    return staged


@pytest.mark.parametrize('content,mode,link,message', [
    (None, 0o600, False, 'there is no staged file'),
    ('{"gateway": {}}\n', 0o600, True, 'is not a regular file (a link?)'),
    ('{"gateway": {}}\n', 0o644, False, 'has mode 0644, not the 0600 it was staged with'),
    ('{"gateway": {', 0o600, False, 'is not the JSON that was staged'),
    ('[1, 2]\n', 0o600, False, 'is not the JSON that was staged'),
], ids=['missing', 'link', 'mode', 'truncated', 'not-an-object'])
def test_commit_refuses_what_was_not_staged_and_changes_nothing(content, mode, link, message, tmp_path,
                                                                monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    if content is not None:
        staged_as(host, content, mode, link)
    listing = host.listing()
    result = run_module(commit_args(host), capsys)
    assert result['failed'] is True
    assert message in result['msg'] and ('%s was not changed' % host.path) in result['msg']
    assert host.live_bytes() == old and host.listing() == listing and host.calls == []


def test_commit_refuses_a_staged_file_of_another_user(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    staged_as(host, '{"gateway": {}}\n')
    monkeypatch.setattr(os, 'geteuid', lambda: 4242)
    result = run_module(commit_args(host), capsys)
    assert result['failed'] is True
    assert 'was not changed' in result['msg'] and 'chown ' in result['msg']
    assert host.live_bytes() == old and (host.state / 'openclaw.json.clawfleet.staged').exists()


@pytest.mark.parametrize('write', ['now', 'stage'])
def test_fragments_are_required_to_write_or_stage(write, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', LIVE_96)
    old = host.live_bytes()
    result = run_module({'path': str(host.path), 'write': write}, capsys)
    assert result['failed'] is True and 'fragments' in result['msg']
    assert host.live_bytes() == old and host.listing() == ['openclaw.json']
