"""Bad logging settings are refused before the host is touched.

Every case is a host of one real ``ansible-playbook`` run of the logging role
against this machine (``helpers.Refusals``), with a throwaway state folder of
its own holding an openclaw.json, a log file,
session transcripts and media old enough to be pruned, and a folder outside the
state folder. The run must fail, name the variable, and leave every byte of
both folders as it was (nothing pruned, no mode fixed).
"""
import os
import time

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('logging_local.yml')
ACK_VERBOSE = 'openclaw_logging_verbose_acknowledged'
ACK_RETENTION = 'openclaw_logging_retention_acknowledged'

CASES = {
    'level-warn-drops-approvals': ({'openclaw_logging_level': 'warn'}, 'openclaw_logging_level'),
    'level-silent': ({'openclaw_logging_level': 'silent'}, 'openclaw_logging_level'),
    'level-unknown': ({'openclaw_logging_level': 'verbose'}, 'openclaw_logging_level'),
    'level-debug-unacknowledged': ({'openclaw_logging_level': 'debug'}, ACK_VERBOSE),
    'console-trace-unacknowledged': ({'openclaw_logging_console_level': 'trace'}, ACK_VERBOSE),
    'file-in-tmp': ({'openclaw_logging_file': '/tmp/openclaw/openclaw.log'}, 'openclaw_logging_file'),
    'file-in-var-log': ({'openclaw_logging_file': '/var/log/openclaw.log'}, 'openclaw_logging_file'),
    'file-relative': ({'openclaw_logging_file': 'logs/openclaw.log'}, 'openclaw_logging_file'),
    'file-dotdot': ({'openclaw_logging_file': '/home/openclaw/.openclaw/logs/../../openclaw.log'}, 'openclaw_logging_file'),
    'file-in-home-folder': ({'openclaw_logging_file': '/home/openclaw/openclaw.log'}, 'openclaw_logging_file'),
    'max-bytes-tiny': ({'openclaw_logging_max_file_bytes': 4096}, 'openclaw_logging_max_file_bytes'),
    'redact-patterns-replace-defaults': ({'openclaw_logging_redact_patterns': ['sk-[A-Za-z0-9]+']},
                                         'openclaw_logging_redact_patterns_replace_defaults_acknowledged'),
    'redact-patterns-a-string': ({'openclaw_logging_redact_patterns': 'sk-.*'}, 'openclaw_logging_redact_patterns'),
    'audit-ledger-off': ({'openclaw_logging_audit_enabled': False}, 'openclaw_logging_audit_disabled_acknowledged'),
    'identity-without-ledger': ({'openclaw_logging_audit_enabled': False, 'openclaw_logging_audit_disabled_acknowledged': True,
                                 'openclaw_logging_audit_execution_identity': True}, 'openclaw_logging_audit_execution_identity'),
    'audit-all-messages': ({'openclaw_logging_audit_messages': 'all'}, 'openclaw_logging_audit_messages_acknowledged'),
    'sessions-kept-90-days': ({'openclaw_logging_session_retention_days': 90}, ACK_RETENTION),
    'sessions-kept-1-day': ({'openclaw_logging_session_retention_days': 1}, ACK_RETENTION),
    'sessions-0-days': ({'openclaw_logging_session_retention_days': 0, ACK_RETENTION: True},
                        'openclaw_logging_session_retention_days'),
    'media-kept-30-days': ({'openclaw_logging_media_retention_days': 30}, ACK_RETENTION),
    'media-dir-absolute-outside': ({'openclaw_logging_media_dirs': ['OUTSIDE']}, 'openclaw_logging_media_dirs'),
    'session-dir-dotdot': ({'openclaw_logging_session_dirs': ['../../elsewhere']}, 'openclaw_logging_session_dirs'),
    'media-dir-whole-state': ({'openclaw_logging_media_dirs': ['.']}, 'openclaw_logging_media_dirs'),
    'media-dirs-a-string': ({'openclaw_logging_media_dirs': 'media'}, 'openclaw_logging_media_dirs'),
    'memory-dir-dotdot': ({'openclaw_logging_memory_dirs': ['../elsewhere']}, 'openclaw_logging_memory_dirs'),
    'memory-review-0-days': ({'openclaw_logging_memory_review_days': 0}, 'openclaw_logging_memory_review_days'),
}


def aged(path, days, text='x'):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = time.time() - days * 86400
    os.utime(str(path), (stamp, stamp))


def make_case(folder, extra):
    """The case's home and its variables, and a folder outside the state folder with an old file in it."""
    outside = folder / 'elsewhere'
    aged(outside / 'precious.jpg', 400)
    extra = dict((key, [item.replace('OUTSIDE', str(outside)) for item in value] if isinstance(value, list) else value)
                 for key, value in extra.items())
    home = helpers.state_home(folder, {'gateway': {'mode': 'local', 'bind': 'loopback'},
                                       'logging': {'level': 'debug'}}, state_mode=0o700)
    state = home / '.openclaw'
    aged(state / 'agents' / 'main' / 'sessions' / 'old.jsonl', 60)
    aged(state / 'media' / 'inbound' / 'old.jpg', 60)
    aged(state / 'logs' / 'openclaw.log', 1)
    os.chmod(str(state / 'logs'), 0o755)
    os.chmod(str(state / 'logs' / 'openclaw.log'), 0o644)
    return home, extra


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('logging-bad-input')
    cases = dict((case, make_case(root / case, extra)) for case, (extra, variable) in CASES.items())
    outside_before = dict((case, helpers.snapshot(str(root / case / 'elsewhere'))) for case in CASES)
    result = helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)
    result.outside = dict((case, (before, helpers.snapshot(str(root / case / 'elsewhere'))))
                          for case, before in outside_before.items())
    return result


@pytest.mark.slow
@pytest.mark.xdist_group('logging-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1])
    before, after = refused.outside[case]
    assert after == before
