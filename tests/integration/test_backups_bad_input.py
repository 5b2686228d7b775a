"""Bad backup settings are refused before the host is touched.

Every case is a host of one real ``ansible-playbook`` run of the backups role
against this machine (``helpers.Refusals``), with a throwaway state folder of
its own. Each must fail, name the variable, and leave every byte of the home as it was (no backup folder, no
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


def make_case(folder, extra):
    """The case's home and its variables; the schedule and the program would go next to it."""
    home = helpers.state_home(folder, {'gateway': {'mode': 'local', 'bind': 'loopback'}}, state_mode=0o700)
    (home / '.openclaw' / 'workspace').mkdir()
    (home / '.openclaw' / 'workspace' / 'AGENTS.md').write_text('# Agents\n')
    extra = dict((key, fill(value, home)) for key, value in extra.items())
    # The schedule would go here if a refusal came too late; it must stay empty.
    (folder / 'cron.d').mkdir()
    extra.setdefault('openclaw_backups_cron_file', str(folder / 'cron.d' / 'openclaw-backup'))
    extra.setdefault('openclaw_backups_program_dir', str(folder / 'lib'))
    return home, extra


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('backups-bad-input')
    cases = dict((case, make_case(root / case, extra)) for case, (extra, variable) in CASES.items())
    result = helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)
    result.root = root
    return result


@pytest.mark.slow
@pytest.mark.xdist_group('backups-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1])
    assert list((refused.root / case / 'cron.d').iterdir()) == []
    assert not (refused.root / case / 'lib').exists()
