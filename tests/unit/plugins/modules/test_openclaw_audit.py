# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_audit with run_command answering from real recorded CLI output.

Each case names a recording under ``tests/unit/fixtures/cli/<version>/``;
the fake ``run_command`` returns its exit code, stdout and stderr, and the
installed package's ``package.json`` says the same version.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_audit
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')

warnings_of = helpers.warnings_of

GATEWAY_TOKEN = 'f00dfeed' * 8
BOT_TOKEN = '000000000:unit-test-bot-token-value'


SUPPRESSED_CONFIG = {
    'gateway': {'mode': 'local', 'bind': 'loopback'},
    'security': {'audit': {'suppressions': [{'checkId': 'summary.attack_surface', 'reason': 'inventory line'}]}},
}
PLAIN_CONFIG = {'gateway': {'mode': 'local', 'bind': 'loopback'}}


class Host(object):
    """A home with an OpenClaw package and config, and a recording-backed run_command."""

    def __init__(self, tmp_path, monkeypatch, version, answer=None, config=None):
        self.home = tmp_path / 'home'
        state = self.home / '.openclaw'
        state.mkdir(parents=True)
        package = tmp_path / 'pkg' / 'openclaw'
        package.mkdir(parents=True)
        (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
        self.binary = package / 'openclaw.mjs'
        self.binary.write_text('#!/usr/bin/env node\n')
        self.config = state / 'openclaw.json'
        if config is not None:
            self.config.write_text(config if isinstance(config, str) else json.dumps(config))
        self.calls = []
        self.answer = answer
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)

    def run_command(self, args, **kwargs):
        self.calls.append({'args': args, 'kwargs': kwargs})
        answer = self.answer
        if len(answer) == 3:
            return answer
        rec = helpers.recording(*answer)
        return rec['rc'], rec['stdout'], rec['stderr']

    def args(self, **extra):
        args = {'openclaw_bin': str(self.binary), 'home': str(self.home)}
        args.update(extra)
        return args


def run_module(host, args, capsys):
    return helpers.run_module(openclaw_audit, args, capsys)


# id, version, recording (or (rc, stdout, stderr)), config file, module args, expectations
CASES = [
    ('hardened report', '2026.9.6', 'security-audit-hardened', PLAIN_CONFIG, {},
     dict(failed=False, passed=True, failing=[], summary={'critical': 0, 'warn': 0, 'info': 1},
          floor_ids=['summary.attack_surface'], cmd=['openclaw', 'security', 'audit', '--json'], exit_code=0,
          no_warnings=True)),
    ('hardened gate info 6.5', '2026.6.5', 'security-audit-hardened', PLAIN_CONFIG,
     {'mode': 'gate', 'fail_on': 'info'},
     dict(failed=False, passed=True, version='2026.6.5')),
    ('deep gate: probe_failed is floor', '2026.9.6', 'security-audit-deep-hardened', PLAIN_CONFIG,
     {'deep': True, 'mode': 'gate'},
     dict(failed=False, passed=True, cmd=['openclaw', 'security', 'audit', '--deep', '--json'],
          floor_ids=['summary.attack_surface', 'gateway.probe_failed'])),
    ('deep gate, paired operator: probe_failed fails', '2026.9.6', 'security-audit-deep-hardened', PLAIN_CONFIG,
     {'deep': True, 'paired_operator': True, 'mode': 'gate'},
     dict(failed=True, passed=False, failing_ids=['gateway.probe_failed'],
          msg_has=['gateway.probe_failed (warn)', 'openclaw_audit_accepted_findings'])),
    ('deep gate 6.5', '2026.6.5', 'security-audit-deep-hardened', PLAIN_CONFIG,
     {'deep': True, 'mode': 'gate', 'fail_on': 'info'},
     dict(failed=False, passed=True)),
    ('insecure report does not fail', '2026.9.6', 'security-audit-insecure-A-valid', PLAIN_CONFIG, {},
     dict(failed=False, passed=False, summary={'critical': 19, 'warn': 19, 'info': 5}, failing_count=38)),
    ('insecure gate critical', '2026.9.6', 'security-audit-insecure-A-valid', PLAIN_CONFIG,
     {'mode': 'gate', 'fail_on': 'critical'},
     dict(failed=True, failing_count=19,
          msg_has=['19 finding(s) at or above critical', 'gateway.bind_no_auth (critical)',
                   'hooks.path_root (critical)', 'Fix each one', 'openclaw_audit_accepted_findings'],
          msg_lacks=['hooks.token_too_short'])),
    ('insecure gate 6.5 lists telegram findings', '2026.6.5', 'security-audit-insecure-A-valid', PLAIN_CONFIG,
     {'mode': 'gate', 'fail_on': 'critical'},
     dict(failed=True, failing_count=20, msg_has=['channels.telegram.dm.open (critical)'])),
    ('suppressions counted from the file', '2026.9.6', 'security-audit-hardened-suppressed', SUPPRESSED_CONFIG,
     {'mode': 'gate', 'fail_on': 'info'},
     dict(failed=False, passed=True, suppressions=1,
          floor_ids=['summary.attack_surface', 'config.insecure_or_dangerous_flags',
                     'security.audit.suppressions.active'],
          suppressed_ids=['summary.attack_surface'])),
    ('suppressions flag fails when the file has none', '2026.9.6', 'security-audit-hardened-suppressed',
     PLAIN_CONFIG, {'mode': 'gate', 'fail_on': 'warn'},
     dict(failed=True, suppressions=0, failing_ids=['config.insecure_or_dangerous_flags'])),
    ('JSON5 config: count taken from the audit', '2026.9.6', 'security-audit-hardened-suppressed',
     '// hand-written\n{security: {audit: {suppressions: [{checkId: "summary.attack_surface", reason: "x"}]}}}\n',
     {'mode': 'gate', 'fail_on': 'info'},
     dict(failed=False, suppressions=1, warning_has='count security.audit.suppressions')),
    ('secret refs unresolved: warning and a real finding', '2026.9.6', 'security-audit-hardened-noenv',
     PLAIN_CONFIG, {'mode': 'gate'},
     dict(failed=True, failing_ids=['gateway.http.no_auth'], warning_has='environment_file')),
    ('invalid config 9.6', '2026.9.6', 'security-audit-invalid', PLAIN_CONFIG, {},
     dict(failed=True, exit_code=1,
          msg_has=['config', 'is invalid', 'logging: Unrecognized key: "redactSensitive"',
                   'gateway.port: Invalid input: expected number', 'openclaw config validate'],
          issues_count=6)),
    ('invalid config 6.5 (stderr only)', '2026.6.5', 'security-audit-invalid', PLAIN_CONFIG, {},
     dict(failed=True, exit_code=1, msg_has=['gateway.bind: Invalid input (allowed:', '<root>: Invalid input'],
          issues_count=3)),
    ('timeout', '2026.9.6', (124, '', ''), PLAIN_CONFIG, {'timeout': 30},
     dict(failed=True, exit_code=124, msg_has=['did not finish within 30 s', 'timeout', 'Nothing was audited'])),
    ('killed after the grace period', '2026.9.6', (137, '', ''), PLAIN_CONFIG, {},
     dict(failed=True, exit_code=137, msg_has=['did not finish within 180 s'])),
    ('exit 0 but no JSON', '2026.9.6', (0, 'Segmentation fault\n', ''), PLAIN_CONFIG, {},
     dict(failed=True, msg_has=['exited 0 but', 'not JSON'])),
    ('unexpected exit code', '2026.9.6', (3, '', 'Error: boom\n'), PLAIN_CONFIG, {},
     dict(failed=True, exit_code=3, msg_has=['exit code 3', 'Error: boom'])),
    # ---- secrets ----
    ('secrets clean gate', '2026.9.6', 'secrets-audit-clean', PLAIN_CONFIG, {'kind': 'secrets', 'mode': 'gate'},
     dict(failed=False, passed=True, exit_code=0, status='clean', floor=[],
          cmd=['openclaw', 'secrets', 'audit', '--check', '--json'], summary={'critical': 0, 'warn': 0, 'info': 0})),
    ('secrets clean gate 6.5', '2026.6.5', 'secrets-audit-clean', PLAIN_CONFIG, {'kind': 'secrets', 'mode': 'gate'},
     dict(failed=False, passed=True, status='clean')),
    ('secrets plaintext key fails the gate', '2026.9.6', 'secrets-audit-plaintext', PLAIN_CONFIG,
     {'kind': 'secrets', 'mode': 'gate'},
     dict(failed=True, exit_code=1, status='findings', failing_ids=['PLAINTEXT_FOUND'],
          msg_has=['openclaw secrets audit --check', 'PLAINTEXT_FOUND (warn)', 'rotate'])),
    ('secrets plaintext key passes a critical gate', '2026.6.5', 'secrets-audit-plaintext', PLAIN_CONFIG,
     {'kind': 'secrets', 'mode': 'gate', 'fail_on': 'critical'},
     dict(failed=False, passed=True, status='findings', summary={'critical': 0, 'warn': 1, 'info': 0})),
    ('secrets unresolved ref is critical', '2026.9.6', 'secrets-audit-unresolved', PLAIN_CONFIG,
     {'kind': 'secrets', 'mode': 'gate', 'fail_on': 'critical'},
     dict(failed=True, exit_code=2, status='unresolved', failing_ids=['REF_UNRESOLVED'],
          msg_has=['REF_UNRESOLVED (critical)', 'Failed to resolve env:default:TELEGRAM_BOT_TOKEN'])),
    ('secrets unresolved report does not fail', '2026.6.5', 'secrets-audit-unresolved', PLAIN_CONFIG,
     {'kind': 'secrets'},
     dict(failed=False, passed=False, exit_code=2, status='unresolved', failing_count=1)),
    ('secrets unexpected exit code', '2026.9.6', (3, '', 'Error: boom\n'), PLAIN_CONFIG, {'kind': 'secrets'},
     dict(failed=True, exit_code=3, msg_has=['exit code 3', 'Error: boom'])),
    # ---- doctor ----
    ('doctor skips the unfixable checks by default', '2026.9.6', 'doctor-lint-hardened-skips', PLAIN_CONFIG,
     {'kind': 'doctor', 'mode': 'gate', 'fail_on': 'info'},
     dict(failed=False, passed=True, exit_code=0,
          cmd=['openclaw', 'doctor', '--lint', '--json',
               '--skip', 'core/doctor/heartbeat-cadence-migration',
               '--skip', 'core/doctor/node-hosting-preconditions'],
          skipped_checks=['core/doctor/heartbeat-cadence-migration', 'core/doctor/node-hosting-preconditions'])),
    ('doctor skip [] still knows the unfixable checks', '2026.9.6', 'doctor-lint-hardened', PLAIN_CONFIG,
     {'kind': 'doctor', 'skip': [], 'mode': 'gate'},
     dict(failed=False, passed=True, exit_code=1, cmd=['openclaw', 'doctor', '--lint', '--json'], skipped_checks=[],
          summary={'critical': 0, 'warn': 2, 'info': 0})),
    ('doctor custom skip', '2026.9.6', 'doctor-lint-hardened', PLAIN_CONFIG,
     {'kind': 'doctor', 'skip': ['core/doctor/skills-readiness']},
     dict(failed=False, cmd=['openclaw', 'doctor', '--lint', '--json', '--skip', 'core/doctor/skills-readiness'])),
    ('doctor invalid config is critical', '2026.9.6', 'doctor-lint-invalid', PLAIN_CONFIG,
     {'kind': 'doctor', 'mode': 'gate', 'fail_on': 'critical'},
     dict(failed=True, exit_code=1, failing_count=6,
          msg_has=['openclaw doctor --lint', 'core/doctor/final-config-validation (critical)', 'skip option'])),
    ('doctor rc 2 9.6', '2026.9.6', 'doctor-lint-runner-failure', PLAIN_CONFIG, {'kind': 'doctor'},
     dict(failed=True, exit_code=2, msg_has=['could not run its checks (exit code 2)', 'Invalid --severity-min value'])),
    ('doctor rc 2 6.5', '2026.6.5', 'doctor-lint-runner-failure', PLAIN_CONFIG, {'kind': 'doctor'},
     dict(failed=True, exit_code=2, msg_has=['could not run its checks', 'Error: Invalid --severity-min value'])),
    ('doctor 6.5 crash without workspace', '2026.6.5', 'doctor-lint-hardened-noworkspace', PLAIN_CONFIG,
     {'kind': 'doctor'},
     dict(failed=True, exit_code=1, msg_has=['no JSON', 'FsSafeError: root dir not found', 'workspace', 'openclaw setup'])),
    ('doctor 6.5 skills readiness is that version floor', '2026.6.5', 'doctor-lint-hardened', PLAIN_CONFIG,
     {'kind': 'doctor', 'mode': 'gate'},
     dict(failed=False, passed=True, failing_count=0)),
    ('doctor 6.5 skills readiness fails a 2026.9 gate', '2026.9.6', ('2026.6.5', 'doctor-lint-hardened'),
     PLAIN_CONFIG, {'kind': 'doctor', 'mode': 'gate'},
     dict(failed=True, failing_count=43, msg_has=['core/doctor/skills-readiness (warn)'])),
    ('doctor 6.5 rc 1 with info only passes a warn gate', '2026.6.5', 'doctor-lint-hardened-info-only',
     PLAIN_CONFIG, {'kind': 'doctor', 'mode': 'gate'},
     dict(failed=False, passed=True, exit_code=1, summary={'critical': 0, 'warn': 0, 'info': 2})),
    ('doctor 6.5 info gate', '2026.6.5', 'doctor-lint-hardened-info-only', PLAIN_CONFIG,
     {'kind': 'doctor', 'mode': 'gate', 'fail_on': 'info'},
     dict(failed=True, failing_count=2, msg_has=['core/doctor/workspace-suggestions (info)'])),
]


@pytest.mark.parametrize('version,answer,config,args,expected', [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_openclaw_audit(version, answer, config, args, expected, tmp_path, monkeypatch, capsys):
    if isinstance(answer, str):
        answer = (version, answer)
    host = Host(tmp_path, monkeypatch, version, answer, config)
    result = run_module(host, host.args(**args), capsys)
    expected = dict(expected)

    failed = expected.pop('failed')
    assert bool(result.get('failed')) is failed, result.get('msg')
    assert result['_exit'] == (1 if failed else 0)
    assert result['changed'] is False
    assert result['skipped'] is False
    assert result['version'] == version
    assert isinstance(result['duration'], float)
    assert len(host.calls) == 1

    call = host.calls[0]
    assert isinstance(call['args'], list)
    assert call['args'][:3] == ['timeout', '--kill-after=10', str(args.get('timeout', 180))]
    assert call['args'][3] == str(host.binary)
    assert '--fix' not in call['args']
    assert call['kwargs']['environ_update']['HOME'] == str(host.home)

    helpers.check_messages(result, expected)
    if 'failing_ids' in expected:
        assert [f['checkId'] for f in result['failing']] == expected.pop('failing_ids')
    if 'failing_count' in expected:
        assert len(result['failing']) == expected.pop('failing_count')
    if 'floor_ids' in expected:
        assert [f['checkId'] for f in result['floor']] == expected.pop('floor_ids')
    if 'suppressed_ids' in expected:
        assert [f['checkId'] for f in result['suppressed']] == expected.pop('suppressed_ids')
    if 'issues_count' in expected:
        assert len(result['issues']) == expected.pop('issues_count')
    for key, value in expected.items():
        assert result[key] == value, key


def test_failing_is_the_same_in_report_and_gate(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-insecure-A-valid'), PLAIN_CONFIG)
    report = run_module(host, host.args(fail_on='critical'), capsys)
    gate = run_module(host, host.args(fail_on='critical', mode='gate'), capsys)
    assert report['failing'] == gate['failing']
    assert report['findings'] == gate['findings']
    assert report['passed'] is gate['passed'] is False


def test_check_mode_skips(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), SUPPRESSED_CONFIG)
    result = run_module(host, host.args(mode='gate', deep=True, _ansible_check_mode=True), capsys)
    assert host.calls == []
    assert result['skipped'] is True
    assert result['changed'] is False
    assert result['passed'] is None
    assert result['exit_code'] is None
    assert result['findings'] == [] and result['failing'] == []
    assert result['cmd'] == ['openclaw', 'security', 'audit', '--deep', '--json']
    assert result['suppressions'] == 1
    assert 'run_in_check_mode' in result['msg']


def test_check_mode_runs_when_asked(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(run_in_check_mode=True, _ansible_check_mode=True), capsys)
    assert len(host.calls) == 1
    assert result['skipped'] is False
    assert result['passed'] is True
    assert result['changed'] is False


def test_environment_file_reaches_the_cli_and_never_the_result(tmp_path, monkeypatch, capsys):
    env_file = tmp_path / 'gateway.env'
    env_file.write_text(
        '# service environment\n'
        'OPENCLAW_GATEWAY_TOKEN=%s\n'
        'export TELEGRAM_BOT_TOKEN="%s"\n'
        '; another comment\n'
        '\n'
        'NOT AN ASSIGNMENT %s\n'
        'OPENCLAW_SERVICE_KIND=gateway\n' % (GATEWAY_TOKEN, BOT_TOKEN, GATEWAY_TOKEN))
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(env_file)), capsys)
    env = host.calls[0]['kwargs']['environ_update']
    assert env['OPENCLAW_GATEWAY_TOKEN'] == GATEWAY_TOKEN
    assert env['TELEGRAM_BOT_TOKEN'] == BOT_TOKEN
    assert env['OPENCLAW_SERVICE_KIND'] == 'gateway'
    assert result['passed'] is True
    assert GATEWAY_TOKEN not in result['_raw']
    assert BOT_TOKEN not in result['_raw']
    # a plain setting is not masked: finding ids and texts stay readable
    assert [f['checkId'] for f in result['floor']] == ['summary.attack_surface']
    assert 'gateway' in result['findings'][0]['detail']
    # the bad line is named by number, not by content
    assert any('line(s) 6 ' in warning for warning in warnings_of(result)), warnings_of(result)


def test_environment_values_are_masked_in_failures(tmp_path, monkeypatch, capsys):
    env_file = tmp_path / 'gateway.env'
    env_file.write_text('OPENCLAW_GATEWAY_TOKEN=%s\nANTHROPIC_API_KEY=sh0rtkey\n'
                        'OPENCLAW_SERVICE_KIND=gateway\n' % GATEWAY_TOKEN)
    leak = (3, '', 'Error: gateway rejected token %s and key sh0rtkey\n' % GATEWAY_TOKEN)
    host = Host(tmp_path, monkeypatch, '2026.9.6', leak, PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(env_file)), capsys)
    assert result['failed'] is True
    assert 'Error: gateway rejected token' in result['msg']
    assert GATEWAY_TOKEN not in result['_raw']
    assert 'sh0rtkey' not in result['_raw']


def test_missing_environment_file_fails(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(tmp_path / 'nope.env')), capsys)
    assert result['failed'] is True
    assert 'Cannot read environment_file' in result['msg']
    assert host.calls == []


def test_missing_optional_environment_file_audits_without_it(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(tmp_path / 'nope.env'),
                                        environment_file_required=False), capsys)
    assert result['passed'] is True
    assert result['environment_file_used'] is False
    assert len(host.calls) == 1
    assert 'OPENCLAW_GATEWAY_TOKEN' not in host.calls[0]['kwargs']['environ_update']


def test_optional_environment_file_is_used_when_present(tmp_path, monkeypatch, capsys):
    env_file = tmp_path / 'gateway.env'
    env_file.write_text('OPENCLAW_GATEWAY_TOKEN=%s\n' % GATEWAY_TOKEN)
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(env_file), environment_file_required=False), capsys)
    assert result['environment_file_used'] is True
    assert host.calls[0]['kwargs']['environ_update']['OPENCLAW_GATEWAY_TOKEN'] == GATEWAY_TOKEN
    assert GATEWAY_TOKEN not in result['_raw']


def test_optional_environment_file_that_cannot_be_read_fails(tmp_path, monkeypatch, capsys):
    # A folder where the file should be: it exists, so it is not "missing" and the audit does not run blind.
    (tmp_path / 'gateway.env').mkdir()
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(environment_file=str(tmp_path / 'gateway.env'),
                                        environment_file_required=False), capsys)
    assert result['failed'] is True
    assert 'Cannot read environment_file' in result['msg']
    assert host.calls == []


def test_config_path_and_state_dir_are_passed(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened-suppressed'), None)
    state = tmp_path / 'state'
    state.mkdir()
    (state / 'openclaw.json').write_text(json.dumps(SUPPRESSED_CONFIG))
    result = run_module(host, host.args(state_dir=str(state), mode='gate', fail_on='info'), capsys)
    env = host.calls[0]['kwargs']['environ_update']
    assert env['OPENCLAW_STATE_DIR'] == str(state)
    assert 'OPENCLAW_CONFIG_PATH' not in env
    # the suppressions were read from <state_dir>/openclaw.json
    assert result['suppressions'] == 1 and result['passed'] is True

    other = tmp_path / 'candidate.json'
    other.write_text(json.dumps(PLAIN_CONFIG))
    result = run_module(host, host.args(config_path=str(other), mode='gate', fail_on='info'), capsys)
    assert host.calls[-1]['kwargs']['environ_update']['OPENCLAW_CONFIG_PATH'] == str(other)
    assert result['suppressions'] == 0 and result['passed'] is False


def test_missing_binary_fails(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ('2026.9.6', 'security-audit-hardened'), PLAIN_CONFIG)
    result = run_module(host, host.args(openclaw_bin=str(tmp_path / 'missing' / 'openclaw')), capsys)
    assert result['failed'] is True
    assert 'openclaw executable not found' in result['msg']
    assert host.calls == []


@pytest.mark.parametrize('text,variables,bad', [
    ('A=1\nB = two \n', {'A': '1', 'B': 'two'}, []),
    ('A="quoted value"\nB=\'single\'\n', {'A': 'quoted value', 'B': 'single'}, []),
    ('A="with \\"escaped\\" quotes"\n', {'A': 'with "escaped" quotes'}, []),
    ('# comment\n; comment\n\n', {}, []),
    ('A=one \\\ntwo\n', {'A': 'one two'}, []),
    ('EMPTY=\n', {'EMPTY': ''}, []),
    ('export A=1\n', {'A': '1'}, []),
    ('A=1\n1BAD=2\nno equals\nB=x=y\n', {'A': '1', 'B': 'x=y'}, [2, 3]),
])
def test_parse_environment_file(text, variables, bad):
    assert openclaw_audit.parse_environment_file(text) == (variables, bad)
