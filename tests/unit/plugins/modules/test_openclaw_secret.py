# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_secret on a throwaway folder: the value is kept, never shown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import re
import stat

import pytest

from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_secret
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

GIVEN = 'vault-kept-gateway-token-0123456789abcdef'
OTHER = 'another-vault-token-fedcba9876543210-xyz'
STORED = 'c0ffee' * 10 + 'abcd'


def run_module(args, capsys):
    return helpers.run_module(openclaw_secret, args, capsys)


def mode_of(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def fingerprint(value):
    return hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]


@pytest.fixture
def secrets(tmp_path):
    """``<home>/.openclaw/secrets`` does not exist yet; returns the token path in it."""
    state = tmp_path / 'home' / '.openclaw'
    state.mkdir(parents=True)
    return state / 'secrets' / 'gateway-token'


def store(path, value, mode=0o600):
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_text(value + '\n')
    os.chmod(str(path), mode)
    return path.read_bytes()


def test_generated_when_missing(secrets, capsys):
    result = run_module({'path': str(secrets), '_ansible_diff': True}, capsys)
    assert result['changed'] is True
    assert result['action'] == 'created'
    content = secrets.read_text()
    assert re.match(r'^[0-9a-f]{64}\n$', content), content
    value = content.strip()
    assert mode_of(secrets) == 0o600
    assert mode_of(secrets.parent) == 0o700
    assert result['fingerprint'] == fingerprint(value)
    assert value not in result['_raw']
    assert result['diff']['before'] == ''
    assert 'created' in result['diff']['after'] and 'hidden' in result['diff']['after']
    # nothing but the secret in its folder
    assert os.listdir(str(secrets.parent)) == ['gateway-token']


def test_generated_length(secrets, capsys):
    result = run_module({'path': str(secrets), 'length': 41, 'min_length': 16}, capsys)
    assert result['action'] == 'created'
    assert re.match(r'^[0-9a-f]{41}$', secrets.read_text().strip())


def test_two_generated_values_differ(tmp_path, capsys):
    first = tmp_path / 'a' / 'token'
    second = tmp_path / 'b' / 'token'
    run_module({'path': str(first)}, capsys)
    run_module({'path': str(second)}, capsys)
    assert first.read_bytes() != second.read_bytes()


def test_kept_when_present(secrets, capsys):
    old = store(secrets, STORED)
    mtime = os.stat(str(secrets)).st_mtime_ns
    result = run_module({'path': str(secrets), '_ansible_diff': True}, capsys)
    assert result['changed'] is False
    assert result['action'] == 'unchanged'
    assert secrets.read_bytes() == old
    assert os.stat(str(secrets)).st_mtime_ns == mtime
    assert result['fingerprint'] == fingerprint(STORED)
    assert STORED not in result['_raw']
    assert result['diff']['before'] == result['diff']['after']


def test_kept_value_gets_its_mode_fixed(secrets, capsys):
    old = store(secrets, STORED, mode=0o644)
    result = run_module({'path': str(secrets)}, capsys)
    assert result['changed'] is True
    assert result['action'] == 'unchanged'
    assert secrets.read_bytes() == old
    assert mode_of(secrets) == 0o600


def test_given_value_replaces(secrets, capsys):
    store(secrets, STORED)
    result = run_module({'path': str(secrets), 'value': GIVEN, '_ansible_diff': True}, capsys)
    assert result['changed'] is True
    assert result['action'] == 'replaced'
    assert secrets.read_text() == GIVEN + '\n'
    assert mode_of(secrets) == 0o600
    assert result['fingerprint'] == fingerprint(GIVEN)
    assert 'replaced' in result['diff']['after']


def test_given_value_creates(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': '  %s\n' % GIVEN}, capsys)
    assert result['action'] == 'created'
    # surrounding white space is not part of the secret
    assert secrets.read_text() == GIVEN + '\n'


def test_same_given_value_is_unchanged(secrets, capsys):
    old = store(secrets, GIVEN)
    mtime = os.stat(str(secrets)).st_mtime_ns
    result = run_module({'path': str(secrets), 'value': GIVEN}, capsys)
    assert result['changed'] is False
    assert result['action'] == 'unchanged'
    assert secrets.read_bytes() == old
    assert os.stat(str(secrets)).st_mtime_ns == mtime


def test_short_value_is_refused(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': 'too-short-token'}, capsys)
    assert result['failed'] is True
    assert 'shorter than 32 characters' in result['msg']
    assert not secrets.exists()
    assert not secrets.parent.exists()
    assert 'too-short-token' not in result['_raw']


def test_short_value_with_own_minimum(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'min_length': len(GIVEN) + 1}, capsys)
    assert result['failed'] is True
    assert 'shorter than %d characters' % (len(GIVEN) + 1) in result['msg']
    assert not secrets.exists()


def test_regenerate_rotates(secrets, capsys):
    store(secrets, STORED)
    result = run_module({'path': str(secrets), 'regenerate': True, '_ansible_diff': True}, capsys)
    assert result['changed'] is True
    assert result['action'] == 'rotated'
    new = secrets.read_text().strip()
    assert re.match(r'^[0-9a-f]{64}$', new)
    assert new != STORED
    assert result['fingerprint'] == fingerprint(new) != fingerprint(STORED)
    assert new not in result['_raw'] and STORED not in result['_raw']
    assert 'rotated' in result['diff']['after']


def test_value_and_regenerate_exclude_each_other(secrets, capsys):
    old = store(secrets, STORED)
    result = run_module({'path': str(secrets), 'value': GIVEN, 'regenerate': True}, capsys)
    assert result['failed'] is True
    assert 'exclude each other' in result['msg']
    assert secrets.read_bytes() == old


def test_relative_path_is_refused(capsys):
    result = run_module({'path': 'secrets/gateway-token'}, capsys)
    assert result['failed'] is True
    assert 'absolute' in result['msg']


@pytest.mark.parametrize('present,args,action', [
    (None, {}, 'created'),
    (STORED, {'value': GIVEN}, 'replaced'),
    (STORED, {'regenerate': True}, 'rotated'),
    (None, {'value': GIVEN}, 'created'),
], ids=['generate', 'replace', 'rotate', 'create given'])
def test_check_mode_writes_nothing(present, args, action, secrets, capsys):
    old = store(secrets, present) if present else None
    listing = sorted(os.listdir(str(secrets.parent))) if present else None
    result = run_module(dict(args, path=str(secrets), _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert result['changed'] is True
    assert result['action'] == action
    assert 'fingerprint' not in result
    if present:
        assert secrets.read_bytes() == old
        assert sorted(os.listdir(str(secrets.parent))) == listing
    else:
        assert not secrets.parent.exists()
    for text in (GIVEN, STORED):
        assert text not in result['_raw']


def test_check_mode_unchanged_reports_fingerprint(secrets, capsys):
    store(secrets, STORED)
    result = run_module({'path': str(secrets), '_ansible_check_mode': True}, capsys)
    assert result['changed'] is False
    assert result['fingerprint'] == fingerprint(STORED)


@pytest.mark.parametrize('present,args', [
    (None, {}),
    (STORED, {}),
    (STORED, {'value': GIVEN}),
    (STORED, {'regenerate': True}),
    (GIVEN, {'value': GIVEN}),
], ids=['generate', 'keep', 'replace', 'rotate', 'same'])
def test_secret_never_in_result(present, args, secrets, capsys):
    if present:
        store(secrets, present)
    result = run_module(dict(args, path=str(secrets), _ansible_diff=True), capsys)
    assert not result.get('failed'), result.get('msg')
    raw = json.dumps(result)
    stored = secrets.read_text().strip()
    for text in (stored, GIVEN, STORED):
        assert text not in raw
    # not even a long piece of it
    assert stored[:16] not in raw
    assert set(result['diff']) == set(['before', 'after', 'before_header', 'after_header'])


def test_symlink_to_a_secret_is_refused(secrets, capsys):
    real = secrets.parent.parent / 'real-token'
    secrets.parent.mkdir(mode=0o700)
    real.write_text(STORED + '\n')
    os.chmod(str(real), 0o600)
    os.symlink(str(real), str(secrets))
    result = run_module({'path': str(secrets)}, capsys)
    assert result['failed'] is True
    assert 'must be a regular file, not a link' in result['msg']
    assert os.path.islink(str(secrets))
    assert real.read_text() == STORED + '\n'
    assert STORED not in result['_raw']


@pytest.mark.parametrize('target_exists,args', [
    (True, {'value': GIVEN}),
    (True, {'regenerate': True}),
    (False, {}),
], ids=['new value', 'rotate', 'dangling link'])
def test_symlink_is_refused_before_any_write(target_exists, args, secrets, capsys):
    real = secrets.parent.parent / 'real-token'
    secrets.parent.mkdir(mode=0o700)
    if target_exists:
        real.write_text(STORED + '\n')
    os.symlink(str(real), str(secrets))
    result = run_module(dict(args, path=str(secrets)), capsys)
    assert os.path.islink(str(secrets)), 'the link was replaced'
    assert result.get('failed') is True
