# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_config with the real Node and the real OpenClaw 2026.9.6, nothing faked.

JSON5 files are read through the JSON5 parser that ships with OpenClaw, and
candidates are checked by the real ``openclaw config validate``. Both come
from the cache that ``scripts/bootstrap.sh`` fills (``$CLAWFLEET_CACHE``,
default ``/var/cache/clawfleet``). OpenClaw runs only under a throwaway home.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import load_strict
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_config
from ansible_collections.clawfleet.openclaw.tests.integration import helpers as integration
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

NODE_BIN = integration.NODE_DIR
OPENCLAW = integration.openclaw_path('2026.9.6')

pytestmark = pytest.mark.slow

warnings_of = helpers.warnings_of

JSON5_TEXT = u'''// OpenClaw settings, edited by hand on this host
{
  meta: {lastTouchedVersion: '2026.9.6'},
  gateway: {
    mode: 'local',
    bind: 'loopback', /* keep the Gateway private */
    port: 18789,
    controlUi: {enabled: true,},
  },
}
'''
JSON5_DATA = {'meta': {'lastTouchedVersion': '2026.9.6'},
              'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789, 'controlUi': {'enabled': True}}}
STRICT_LIVE = {'meta': {'lastTouchedVersion': '2026.9.6'},
               'gateway': {'mode': 'local', 'bind': 'lan', 'port': 18789,
                           'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}}}


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A throwaway home with ``.openclaw/``, the cached Node first on PATH."""
    missing = [path for path in (os.path.join(NODE_BIN, 'node'), OPENCLAW) if not os.path.exists(path)]
    if missing:
        pytest.fail('Node 24.21.0 and OpenClaw 2026.9.6 are not installed (missing: %s). '
                    'Run scripts/bootstrap.sh (as root) first; set CLAWFLEET_CACHE if the cache '
                    'is elsewhere.' % ', '.join(missing), pytrace=False)
    home = tmp_path / 'home'
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(str(state), 0o700)
    for name in list(os.environ):
        if name.startswith('OPENCLAW_'):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(home))
    monkeypatch.setenv('PATH', NODE_BIN + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'))
    with helpers.fresh_warnings(monkeypatch):
        yield {'home': home, 'state': state, 'path': state / 'openclaw.json'}


def write_live(host, content):
    path = host['path']
    path.write_bytes(content.encode('utf-8'))
    os.chmod(str(path), 0o600)
    return path.read_bytes(), os.stat(str(path)).st_mtime_ns


def snapshot(folder):
    seen = {}
    for name in sorted(os.listdir(str(folder))):
        path = os.path.join(str(folder), name)
        with open(path, 'rb') as handle:
            seen[name] = handle.read()
    return seen


def run_module(host, fragments, capsys, **extra):
    args = {'path': str(host['path']), 'fragments': fragments, 'openclaw_bin': OPENCLAW,
            'home': str(host['home']), 'timeout': 120}
    args.update(extra)
    return helpers.run_module(openclaw_config, args, capsys)


def test_json5_that_matches_is_left_alone(host, capsys):
    old, mtime = write_live(host, JSON5_TEXT)
    result = run_module(host, [{'gateway': {'bind': 'loopback', 'port': 18789, 'controlUi': {'enabled': True}}}],
                        capsys)
    assert result.get('failed') is not True, result.get('msg')
    assert result['changed'] is False
    assert result['changes'] == []
    assert result['validated'] is False
    assert host['path'].read_bytes() == old
    assert os.stat(str(host['path'])).st_mtime_ns == mtime
    assert sorted(os.listdir(str(host['state']))) == ['openclaw.json']


def test_json5_that_differs_is_not_rewritten_without_permission(host, capsys):
    old, mtime = write_live(host, JSON5_TEXT)
    result = run_module(host, [{'gateway': {'controlUi': {'enabled': False}}}], capsys)
    assert result['failed'] is True
    assert 'openclaw_config_allow_json5_rewrite' in result['msg']
    assert 'JSON5' in result['msg']
    # the settings were read through the real parser: the difference is named exactly
    assert [(c['path'], c['before'], c['after']) for c in result['changes']] == [
        ('gateway.controlUi.enabled', True, False)]
    assert host['path'].read_bytes() == old
    assert os.stat(str(host['path'])).st_mtime_ns == mtime
    assert sorted(os.listdir(str(host['state']))) == ['openclaw.json']


def test_json5_rewritten_as_json_when_allowed(host, capsys):
    old = write_live(host, JSON5_TEXT)[0]
    result = run_module(host, [{'gateway': {'controlUi': {'enabled': False}}}], capsys, allow_json5_rewrite=True)
    assert result.get('failed') is not True, result.get('msg')
    assert result['changed'] is True
    assert result['validated'] is True
    text = host['path'].read_text()
    expected = json.loads(json.dumps(JSON5_DATA))
    expected['gateway']['controlUi']['enabled'] = False
    assert load_strict(text) == expected
    assert json.loads(text) == expected
    assert '//' not in text and '/*' not in text
    assert stat.S_IMODE(os.stat(str(host['path'])).st_mode) == 0o600
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == old
    assert stat.S_IMODE(os.stat(result['backup_file']).st_mode) == 0o600
    assert any('JSON5' in w and 'comments are lost' in w for w in warnings_of(result)), warnings_of(result)


def test_broken_json5_is_left_untouched(host, capsys):
    old, mtime = write_live(host, u"// half edited\n{gateway: {mode: 'local',, bind: }\n")
    result = run_module(host, [{'gateway': {'bind': 'loopback'}}], capsys, allow_json5_rewrite=True)
    assert result['failed'] is True
    assert 'left untouched' in result['msg']
    assert host['path'].read_bytes() == old
    assert os.stat(str(host['path'])).st_mtime_ns == mtime
    assert sorted(os.listdir(str(host['state']))) == ['openclaw.json']


def test_real_validation_passes(host, capsys):
    old = write_live(host, json.dumps(STRICT_LIVE, indent=2) + '\n')[0]
    result = run_module(host, [{'gateway': {'bind': 'loopback', 'controlUi': {'enabled': False}}}], capsys)
    assert result.get('failed') is not True, result.get('msg')
    assert result['changed'] is True
    assert result['validated'] is True
    # the SecretRef's variable is not set in this throwaway environment: a warning, not a failure
    assert [w['path'] for w in result['validation_warnings']] == ['gateway.auth.token']
    assert 'OPENCLAW_GATEWAY_TOKEN' in result['validation_warnings'][0]['message']
    written = json.loads(host['path'].read_text())
    assert written['gateway']['bind'] == 'loopback'
    assert written['gateway']['controlUi'] == {'enabled': False}
    assert written['gateway']['auth'] == STRICT_LIVE['gateway']['auth']
    assert written['meta'] == STRICT_LIVE['meta']
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == old
    names = sorted(os.listdir(str(host['state'])))
    assert names == sorted(['openclaw.json', os.path.basename(result['backup_file'])])


def test_real_validation_rejects_an_unknown_key(host, capsys):
    write_live(host, json.dumps(STRICT_LIVE, indent=2) + '\n')
    before = snapshot(host['state'])
    mtime = os.stat(str(host['path'])).st_mtime_ns
    result = run_module(host, [{'gateway': {'bind': 'loopback', 'bogusKey': 1}}], capsys)
    assert result['failed'] is True
    assert 'OpenClaw 2026.9.6 rejected the new config' in result['msg']
    assert 'gateway: Unrecognized key: "bogusKey"' in result['msg']
    assert result['issues'] == [{'path': 'gateway', 'message': 'Unrecognized key: "bogusKey"'}]
    assert snapshot(host['state']) == before
    assert os.stat(str(host['path'])).st_mtime_ns == mtime
