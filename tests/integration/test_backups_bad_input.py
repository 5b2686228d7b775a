"""Bad backup settings are refused before the host is touched.

Each case runs the real ``ansible-playbook`` with the backups role against
this machine, with a throwaway state folder. The run must fail, name the
variable, and leave every byte of the home as it was (no backup folder, no
archive, no schedule).
"""
import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('backups_local.yml')

CASES = {
    'dir-inside-state-folder': ({'openclaw_backups_dir': 'HOME/.openclaw/backups'}, 'openclaw_backups_dir'),
    'dir-holding-state-folder': ({'openclaw_backups_dir': 'HOME'}, 'openclaw_backups_dir'),
    'dir-in-tmp': ({'openclaw_backups_dir': '/tmp/openclaw-backups'}, 'openclaw_backups_dir'),
    'dir-in-shm': ({'openclaw_backups_dir': '/dev/shm/openclaw'}, 'openclaw_backups_dir'),
    'dir-in-web-root': ({'openclaw_backups_dir': '/var/www/html/openclaw-backups'}, 'openclaw_backups_dir'),
    'dir-public-html': ({'openclaw_backups_dir': '/home/alice/public_html/backups'}, 'openclaw_backups_dir'),
    'dir-relative': ({'openclaw_backups_dir': 'backups/openclaw'}, 'openclaw_backups_dir'),
    'dir-dotdot-into-state': ({'openclaw_backups_dir': 'HOME/backups/../.openclaw/b'}, 'openclaw_backups_dir'),
    'dir-shared-root': ({'openclaw_backups_dir': '/srv'}, 'openclaw_backups_dir'),
    'keep-zero': ({'openclaw_backups_keep': 0}, 'openclaw_backups_keep'),
    'keep-text': ({'openclaw_backups_keep': 'seven'}, 'openclaw_backups_keep'),
    'max-age-negative': ({'openclaw_backups_max_age_hours': -1}, 'openclaw_backups_max_age_hours'),
    'time-not-hh-mm': ({'openclaw_backups_time': '3am'}, 'openclaw_backups_time'),
    'cron-file-with-dot': ({'openclaw_backups_cron_file': '/etc/cron.d/openclaw.backup'}, 'openclaw_backups_cron_file'),
    'unit-name-with-slash': ({'openclaw_backups_unit_name': '../evil'}, 'openclaw_backups_unit_name'),
    'method-unknown': ({'openclaw_backups_method': 'rsync'}, 'openclaw_backups_method'),
    'schedule-unknown': ({'openclaw_backups_schedule': 'anacron'}, 'openclaw_backups_schedule'),
    'staging-inside-state-folder': ({'openclaw_backups_restore_staging_dir': 'HOME/.openclaw/restore'},
                                    'openclaw_backups_restore_staging_dir'),
    'expected-difference-without-reason': ({'openclaw_backups_extra_expected_differences': [{'path': 'x/*'}]},
                                           'openclaw_backups_extra_expected_differences'),
}


def fill(value, home):
    if isinstance(value, str):
        return value.replace('HOME', str(home))
    return value


@pytest.mark.slow
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, tmp_path):
    extra, variable = CASES[case]
    home = helpers.state_home(tmp_path, {'gateway': {'mode': 'local', 'bind': 'loopback'}}, state_mode=0o700)
    (home / '.openclaw' / 'workspace').mkdir()
    (home / '.openclaw' / 'workspace' / 'AGENTS.md').write_text('# Agents\n')
    extra = dict((key, fill(value, home)) for key, value in extra.items())
    # The schedule would go here if a refusal came too late; it must stay empty.
    cron = tmp_path / 'cron.d'
    cron.mkdir()
    extra.setdefault('openclaw_backups_cron_file', str(cron / 'openclaw-backup'))
    extra.setdefault('openclaw_backups_program_dir', str(tmp_path / 'lib'))
    helpers.assert_refused(PLAYBOOK, home, extra, variable, helpers.playbook_env(temp=tmp_path / 'ansible-tmp'))
    assert list(cron.iterdir()) == []
    assert not (tmp_path / 'lib').exists()
