"""Verify the logging role: levels and redaction as the version spells them, private logs, retention."""
from conftest import STATE_DIR, findings_in

SESSIONS = STATE_DIR + '/agents/main/sessions'
MEDIA = STATE_DIR + '/media/inbound'


def test_levels_redaction_and_ledger(config, legacy):
    logging = config['logging']
    assert (logging['level'], logging['consoleLevel']) == ('info', 'info')
    assert logging['file'] == STATE_DIR + '/logs/openclaw.log'
    assert 'redactPatterns' not in logging
    if legacy:
        assert logging['redactSensitive'] == 'tools' and 'audit' not in logging
    else:
        assert 'redactSensitive' not in logging
        assert logging['audit'] == {'enabled': True, 'executionIdentity': False, 'messages': 'off'}


def test_retention_through_openclaw_keys(config, legacy):
    assert config['session']['maintenance'] == {'mode': 'enforce', 'pruneAfter': '30d', 'resetArchiveRetention': '30d'}
    if legacy:
        assert config['media']['ttlHours'] == 168 and 'attachments' not in config
    else:
        assert config['attachments']['ttlHours'] == 168 and 'media' not in config


def test_log_folder_and_files_private(host):
    folder = host.file(STATE_DIR + '/logs')
    assert folder.is_directory and folder.mode == 0o700 and folder.user == 'openclaw'
    log = host.file(STATE_DIR + '/logs/openclaw.log')
    # The Gateway restarted on the new config and writes its log there.
    assert log.is_file and log.mode == 0o600 and log.user == 'openclaw'


def test_old_sessions_and_media_pruned_the_rest_kept(host):
    assert not host.file(SESSIONS + '/old-session.jsonl').exists
    assert host.file(SESSIONS + '/recent-session.jsonl').exists
    assert not host.file(MEDIA + '/old-photo.jpg').exists
    assert host.file(MEDIA + '/new-photo.jpg').exists
    # Daily memory is reviewed, never deleted.
    assert host.file(STATE_DIR + '/workspace/memory/2026-01-05.md').exists


def test_audit_has_no_logging_finding(deep_audit):
    assert findings_in(deep_audit, 'logging.', 'fs.log_file') == []
