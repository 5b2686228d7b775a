"""The backups role on 2026.9.6 and 2026.6.5: private archives outside the state folder, a daily timer."""
import json
import os

BACKUPS = '/home/openclaw/backups/openclaw'
STATE_DIR = '/home/openclaw/.openclaw'
KEEP = 3


def archives(host):
    listed = host.run("find %s -maxdepth 1 -name '*-openclaw-backup.tar.gz' -printf '%%p\\n'" % BACKUPS)
    assert listed.rc == 0, listed.stderr
    return sorted(listed.stdout.split())


def test_backup_folder_is_private_and_outside_the_state_folder(host):
    for path in (BACKUPS, os.path.dirname(BACKUPS)):
        folder = host.file(path)
        assert folder.is_directory
        assert folder.mode == 0o700
        assert folder.user == 'openclaw'
    real = host.run('realpath %s %s' % (BACKUPS, STATE_DIR)).stdout.split()
    assert not (real[0] + '/').startswith(real[1] + '/')


def test_archives_are_private_and_retention_holds(host):
    found = archives(host)
    # The corrupted archive was removed after the side effect: N - 1 remain.
    assert KEEP - 1 <= len(found) <= KEEP
    for path in found:
        archive = host.file(path)
        assert archive.mode == 0o600, path
        assert archive.user == 'openclaw'


def test_newest_archive_verifies_with_the_hosts_own_openclaw(host):
    newest = archives(host)[-1]
    result = host.run('timeout 120 runuser -u openclaw -- env HOME=/home/openclaw LC_ALL=C '
                      '/usr/local/bin/openclaw backup verify %s --json' % newest)
    assert result.rc == 0, result.stdout + result.stderr
    assert json.loads(result.stdout[result.stdout.index('{'):])['ok'] is True


def test_daily_timer_is_enabled_and_runs_the_tested_backup(host):
    timer = host.service('openclaw-backup.timer')
    assert timer.is_enabled
    assert timer.is_running
    unit = host.file('/etc/systemd/system/openclaw-backup.service').content_string
    assert 'User=openclaw' in unit
    assert '--method cli' in unit
    assert '--keep %d' % KEEP in unit
    assert '--backup-dir %s' % BACKUPS in unit
    assert 'OnCalendar=*-*-* 03:15:00' in host.file('/etc/systemd/system/openclaw-backup.timer').content_string
    result = host.run('systemctl show openclaw-backup.service -p Result --value')
    assert result.stdout.strip() == 'success'


def test_backup_program_is_the_collections_own(host):
    program = host.file('/usr/local/lib/clawfleet/openclaw-backup.py')
    assert program.mode == 0o644
    assert program.user == 'root'
    assert 'def run_job(' in program.content_string
