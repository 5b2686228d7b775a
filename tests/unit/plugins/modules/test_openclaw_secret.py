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

# The key-age cases read the module's warnings.
pytestmark = pytest.mark.usefixtures('fresh_warnings')

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


# ---- environment file -------------------------------------------------------

def test_env_line_added_and_other_lines_kept(tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    env.write_text('# the Gateway service reads this\nOPENCLAW_SERVICE_KIND=gateway\n')
    os.chmod(str(env), 0o644)
    result = run_module({'path': str(env), 'env_name': 'ANTHROPIC_API_KEY', 'value': GIVEN,
                         '_ansible_diff': True}, capsys)
    assert result['changed'] is True and result['action'] == 'created'
    assert env.read_text() == ('# the Gateway service reads this\nOPENCLAW_SERVICE_KIND=gateway\n'
                               'ANTHROPIC_API_KEY=%s\n' % GIVEN)
    assert mode_of(env) == 0o600
    assert GIVEN not in result['_raw']
    assert 'ANTHROPIC_API_KEY' in result['diff']['after']


def test_env_line_replaced_in_place_and_unchanged_after(tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    env.write_text('A=1\nANTHROPIC_API_KEY="%s"\nB=2\n' % OTHER)
    os.chmod(str(env), 0o600)
    result = run_module({'path': str(env), 'env_name': 'ANTHROPIC_API_KEY', 'value': GIVEN}, capsys)
    assert result['action'] == 'replaced'
    assert env.read_text() == 'A=1\nANTHROPIC_API_KEY=%s\nB=2\n' % GIVEN
    again = run_module({'path': str(env), 'env_name': 'ANTHROPIC_API_KEY', 'value': GIVEN}, capsys)
    assert again['changed'] is False and again['action'] == 'unchanged'


def test_env_quoted_current_value_is_the_same_value(tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    env.write_text("ANTHROPIC_API_KEY='%s'\n" % GIVEN)
    os.chmod(str(env), 0o600)
    result = run_module({'path': str(env), 'env_name': 'ANTHROPIC_API_KEY', 'value': GIVEN}, capsys)
    assert result['changed'] is False


@pytest.mark.parametrize('name', ['anthropic_key', '1KEY', 'KEY-NAME', ''])
def test_env_name_must_be_an_env_ref_id(name, tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    result = run_module({'path': str(env), 'env_name': name, 'value': GIVEN}, capsys)
    assert result['failed'] is True
    assert 'env_name' in result['msg'] and 'upper-case' in result['msg']
    assert not env.exists()


@pytest.mark.parametrize('bad', ['with space-0123456789abcdefghijklmnop', 'dollar$sign-0123456789abcdefghij',
                                 'quote"0123456789abcdefghijklmnop', 'hash#0123456789abcdefghijklmnopqrst'])
def test_env_value_an_env_file_would_interpret_is_refused(bad, tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    result = run_module({'path': str(env), 'env_name': 'TELEGRAM_BOT_TOKEN', 'value': bad}, capsys)
    assert result['failed'] is True
    assert 'TELEGRAM_BOT_TOKEN' in result['msg'] and 'as a file instead' in result['msg']
    assert bad not in result['_raw']
    assert not env.exists()


# ---- key age ------------------------------------------------------------------

def days_ago(days):
    import datetime
    return (datetime.datetime.utcnow().date() - datetime.timedelta(days=days)).isoformat()


def test_age_is_tracked_from_the_first_run(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'label': 'anthropic key'}, capsys)
    assert result['rotation'] == 'ok' and result['age_days'] == 0 and result['rotated_on'] == days_ago(0)
    record = json.loads((secrets.parent / 'gateway-token.rotation.json').read_text())
    assert record == {'label': 'anthropic key', 'fingerprint': fingerprint(GIVEN),
                      'rotated_on': days_ago(0), 'max_age_days': 90}
    assert mode_of(secrets.parent / 'gateway-token.rotation.json') == 0o600
    assert GIVEN not in (secrets.parent / 'gateway-token.rotation.json').read_text()
    again = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'label': 'anthropic key'}, capsys)
    assert again['changed'] is False


def test_recorded_date_is_kept_while_the_value_is_the_same(secrets, capsys):
    store(secrets, GIVEN)
    record = secrets.parent / 'gateway-token.rotation.json'
    record.write_text(json.dumps({'label': 'k', 'fingerprint': fingerprint(GIVEN), 'rotated_on': days_ago(40),
                                  'max_age_days': 90}, sort_keys=True))
    os.chmod(str(record), 0o600)
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'label': 'k'}, capsys)
    assert result['changed'] is False
    assert result['age_days'] == 40 and result['rotation'] == 'ok'


def test_new_value_counts_as_rotated_today(secrets, capsys):
    store(secrets, OTHER)
    record = secrets.parent / 'gateway-token.rotation.json'
    record.write_text(json.dumps({'label': 'k', 'fingerprint': fingerprint(OTHER), 'rotated_on': days_ago(200),
                                  'max_age_days': 90}))
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'label': 'k'}, capsys)
    assert result['action'] == 'replaced' and result['age_days'] == 0 and result['rotation'] == 'ok'


def test_value_changed_behind_our_back_counts_from_today(secrets, capsys):
    store(secrets, GIVEN)
    record = secrets.parent / 'gateway-token.rotation.json'
    record.write_text(json.dumps({'label': 'k', 'fingerprint': fingerprint(OTHER), 'rotated_on': days_ago(200),
                                  'max_age_days': 90}))
    result = run_module({'path': str(secrets), 'max_age_days': 90, 'label': 'k'}, capsys)
    assert result['action'] == 'unchanged' and result['changed'] is True
    assert result['age_days'] == 0


def test_due_key_warns(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 30, 'rotated_on': days_ago(20),
                         'label': 'dev key'}, capsys)
    assert result['rotation'] == 'due' and result['age_days'] == 20
    assert any('dev key is 20 days old and due for rotation within 10 days' in w for w in helpers.warnings_of(result))


def test_overdue_key_warns_by_default(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'rotated_on': days_ago(91),
                         'label': 'prod key'}, capsys)
    assert not result.get('failed')
    assert result['rotation'] == 'overdue'
    assert any('past its rotation limit of 90 days' in w for w in helpers.warnings_of(result))


def test_overdue_key_fails_when_asked(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'rotated_on': days_ago(120),
                         'label': 'prod key', 'fail_when_overdue': True}, capsys)
    assert result['failed'] is True
    assert result['rotation'] == 'overdue'
    assert 'prod key is 120 days old' in result['msg'] and 'put it in vault' in result['msg']
    assert GIVEN not in result['_raw']


@pytest.mark.parametrize('day,text', [('2026-13-01', 'not a date'), ('yesterday', 'not a date'),
                                      ('2999-01-01', 'in the future')])
def test_bad_rotated_on_is_refused(day, text, secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, 'rotated_on': day}, capsys)
    assert result['failed'] is True and text in result['msg']
    assert not secrets.exists()


def test_check_mode_writes_no_record(secrets, capsys):
    result = run_module({'path': str(secrets), 'value': GIVEN, 'max_age_days': 90, '_ansible_check_mode': True}, capsys)
    assert result['changed'] is True and result['rotation'] == 'ok'
    assert not secrets.parent.exists()


def test_env_secret_record_is_named_after_the_variable(tmp_path, capsys):
    env = tmp_path / 'gateway.env'
    result = run_module({'path': str(env), 'env_name': 'ANTHROPIC_API_KEY', 'value': GIVEN, 'max_age_days': 30},
                        capsys)
    assert result['record'] == str(tmp_path / 'ANTHROPIC_API_KEY.rotation.json')
    assert (tmp_path / 'ANTHROPIC_API_KEY.rotation.json').exists()


# Several secrets in one call (the secrets role's keys and tokens): one round trip instead of one per key.
def several(tmp_path):
    secrets_dir = tmp_path / 'home' / '.openclaw' / 'secrets'
    env = tmp_path / 'home' / '.openclaw' / 'gateway.env'
    return secrets_dir, env, [
        {'path': str(secrets_dir / 'anthropic'), 'value': GIVEN, 'label': 'anthropic api key', 'max_age_days': 90},
        {'path': str(env), 'env_name': 'TELEGRAM_BOT_TOKEN', 'value': OTHER, 'label': 'telegram bot token'},
        {'path': str(env), 'env_name': 'DISCORD_BOT_TOKEN', 'value': STORED, 'label': 'discord bot token'},
    ]


def test_several_secrets_in_one_call_then_unchanged(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    result = run_module({'secrets': items, '_ansible_diff': True}, capsys)
    assert result['changed'] is True
    assert [(entry['label'], entry['action']) for entry in result['secrets']] == [
        ('anthropic api key', 'created'), ('telegram bot token', 'created'), ('discord bot token', 'created')]
    assert result['secrets'][0]['rotation'] == 'ok' and result['secrets'][0]['age_days'] == 0
    assert (secrets_dir / 'anthropic').read_text() == GIVEN + '\n'
    assert env.read_text().splitlines() == ['TELEGRAM_BOT_TOKEN=' + OTHER, 'DISCORD_BOT_TOKEN=' + STORED]
    assert mode_of(secrets_dir / 'anthropic') == mode_of(env) == 0o600
    assert [diff['after'] for diff in result['diff']] == [
        'secret created (value hidden)\n', 'TELEGRAM_BOT_TOKEN secret created (value hidden)\n',
        'DISCORD_BOT_TOKEN secret created (value hidden)\n']
    for value in (GIVEN, OTHER, STORED):
        assert value not in result['_raw']
    again = run_module({'secrets': items}, capsys)
    assert again['changed'] is False
    assert [entry['action'] for entry in again['secrets']] == ['unchanged'] * 3


def test_one_bad_secret_stops_the_call_before_any_file_is_written(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    items[2]['value'] = 'too-short-token'
    result = run_module({'secrets': items}, capsys)
    assert result['failed'] is True and 'shorter than 32 characters' in result['msg']
    assert not secrets_dir.exists() and not env.exists()
    assert 'too-short-token' not in result['_raw'] and GIVEN not in result['_raw']


def test_the_same_secret_twice_is_refused(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    result = run_module({'secrets': items + [dict(items[1], value=GIVEN)]}, capsys)
    assert result['failed'] is True and 'twice' in result['msg']
    assert not env.exists()


def test_several_secrets_in_check_mode_write_nothing(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    result = run_module({'secrets': items, '_ansible_check_mode': True}, capsys)
    assert result['changed'] is True
    assert [entry['action'] for entry in result['secrets']] == ['created'] * 3
    assert not secrets_dir.exists() and not env.exists()


def test_an_overdue_key_among_several_fails_naming_it_after_all_were_kept(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    items[0]['rotated_on'] = days_ago(120)
    result = run_module({'secrets': items, 'fail_when_overdue': True}, capsys)
    assert result['failed'] is True
    assert 'anthropic api key is 120 days old' in result['msg']
    assert [entry['rotation'] for entry in result['secrets']] == ['overdue', 'untracked', 'untracked']
    assert env.read_text().count('=') == 2


def test_secrets_and_path_exclude_each_other(tmp_path, capsys):
    secrets_dir, env, items = several(tmp_path)
    result = run_module({'secrets': items, 'path': str(secrets_dir / 'x')}, capsys)
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    assert not secrets_dir.exists()
