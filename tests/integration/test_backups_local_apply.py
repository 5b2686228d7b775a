"""The backups role and the recovery test against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the backups role against a throwaway home (no
systemd here, so the schedule is a cron entry written to a throwaway file),
on each version of helpers.APPLY_VERSIONS. The home holds a lived-in state folder:
openclaw.json, a workspace with daily memory, credentials, an agent's auth
store, a locally written skill, and the pairing identity files of a 2026.6
host. Check mode changes nothing; the run makes a verified 0600 archive in a
0700 folder with the real ``openclaw backup create``; the second run and a
check run change nothing; the scheduled job, run as cron would run it, makes
another archive that the real ``openclaw backup verify`` accepts; the
recovery test playbook passes and writes its reports; the collection's own
archive (forced with openclaw_backups_method=archive) leaves the identity out
and is accepted by OpenClaw's own verify; a damaged archive fails the
recovery test with a report that says so.
"""
import json
import os
import pathlib
import pwd
import shlex
import shutil
import subprocess
import tarfile
import tempfile

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('backups_local.yml')
RESTORE_TEST = os.path.join(helpers.REPO, 'playbooks', 'backup_restore_test.yml')
HOUR = 3600

openclaw_bin = helpers.openclaw_bin
recap_changed = helpers.recap_changed
snapshot = helpers.snapshot


def put(path, text, mode=0o600, age=HOUR):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(str(path), mode)
    stamp = os.path.getmtime(str(path)) - age
    os.utime(str(path), (stamp, stamp))


def write_home(home, version):
    state = home / '.openclaw'
    put(state / 'openclaw.json', json.dumps({
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28799, 'bind': 'loopback',
                    'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}}}, indent=2) + '\n')
    put(state / 'workspace' / 'AGENTS.md', '# Agents\n', 0o644)
    put(state / 'workspace' / 'memory' / '2026-11-28.md', 'Watered the plant.\n', 0o644)
    put(state / 'credentials' / 'telegram-allowFrom.json', '{"version": 1, "allowFrom": ["123456789"]}\n')
    put(state / 'agents' / 'main' / 'agent' / 'auth-profiles.json', '{"version": 1, "profiles": {}}\n')
    put(state / 'skills' / 'plant-care' / 'SKILL.md', '---\nname: plant-care\ndescription: Plants\n---\nWater.\n', 0o644)
    put(state / 'identity' / 'device.json', '{"version": 1, "deviceId": "d0d0"}\n')
    put(state / 'devices' / 'paired.json', '{}\n')
    for folder in (state, state / 'identity', state / 'devices'):
        os.chmod(str(folder), 0o700)
    return state


def run_role(home, version, tmp, check=False, **overrides):
    extra = dict(openclaw_bin=openclaw_bin(version), openclaw_backups_cron_file=str(tmp / 'cron.d' / 'openclaw-backup'),
                 openclaw_backups_program_dir=str(tmp / 'lib'))
    extra.update(overrides)
    env = helpers.playbook_env(home=home, temp=tmp / 'ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra), env, check=check)


def run_restore_test(home, version, tmp, **overrides):
    extra = dict(openclaw_bin=openclaw_bin(version), openclaw_target='localhost', ansible_connection='local',
                 openclaw_audit_report_dir=str(tmp / 'reports'))
    extra.update(overrides)
    env = helpers.playbook_env(home=home, temp=tmp / 'ansible-tmp')
    return helpers.run_playbook(RESTORE_TEST, helpers.host_vars(home, **extra), env)


def openclaw(version, home, *args):
    env = dict(os.environ, HOME=str(home), PATH=helpers.node_path())
    return subprocess.run([openclaw_bin(version)] + list(args), capture_output=True, text=True, cwd=str(home),
                          env=env, timeout=300, check=False)


def archives(folder):
    return sorted(str(folder / name) for name in os.listdir(str(folder)) if name.endswith('-openclaw-backup.tar.gz'))


def mode_of(path):
    return oct(os.stat(str(path)).st_mode & 0o777)


def report(tmp):
    with open(str(tmp / 'reports' / 'backups' / 'localhost.json')) as handle:
        return json.load(handle)


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_backups_role_and_recovery_test(version, tmp_path):
    home = tmp_path / 'home'
    state = write_home(home, version)
    (tmp_path / 'cron.d').mkdir()
    backups = home / 'backups' / 'openclaw'

    before = snapshot(str(state))
    check, output = run_role(home, version, tmp_path, check=True)
    assert check.returncode == 0, output
    assert recap_changed(output) > 0
    assert 'would make a new archive in %s (cli)' % backups in output
    assert snapshot(str(state)) == before
    assert not (home / 'backups').exists()
    assert os.listdir(str(tmp_path / 'cron.d')) == []
    assert not (tmp_path / 'lib').exists()

    first, output = run_role(home, version, tmp_path)
    assert first.returncode == 0, output
    made = archives(backups)
    assert len(made) == 1
    assert mode_of(made[0]) == '0o600'
    assert mode_of(backups) == '0o700' and mode_of(home / 'backups') == '0o700'
    cron = (tmp_path / 'cron.d' / 'openclaw-backup').read_text()
    job = [line for line in cron.splitlines() if line.startswith('15 3 * * * ')]
    assert len(job) == 1
    assert '--method cli' in job[0] and '--keep 7' in job[0]
    assert (tmp_path / 'lib' / 'openclaw-backup.py').is_file()

    second, output = run_role(home, version, tmp_path)
    assert second.returncode == 0, output
    assert recap_changed(output) == 0, output
    again, output = run_role(home, version, tmp_path, check=True)
    assert again.returncode == 0, output
    assert recap_changed(output) == 0, 'check mode reports drift after converge:\n' + output
    assert archives(backups) == made

    # The scheduled job, started the way cron starts it: its user, a bare environment.
    command = shlex.split(job[0].split(' ', 6)[6].rsplit(' >/dev/null', 1)[0])
    scheduled = subprocess.run(command, capture_output=True, text=True, env={'PATH': '/usr/bin:/bin'},
                               cwd='/', timeout=300, check=False)
    assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
    summary = json.loads(scheduled.stdout)
    assert summary['verified'] is True and len(archives(backups)) == 2
    assert mode_of(summary['archive']) == '0o600'
    verify = openclaw(version, home, 'backup', 'verify', summary['archive'], '--json')
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)['ok'] is True

    state_before = snapshot(str(state))
    passed, output = run_restore_test(home, version, tmp_path)
    assert passed.returncode == 0, output
    result = report(tmp_path)
    assert sorted(result) == sorted(['host', 'tested_at', 'passed', 'archive', 'openclaw_version', 'backup_created_at',
                                     'restore_method', 'error', 'unexpected_differences', 'expected_differences'])
    assert result['passed'] is True and result['unexpected_differences'] == []
    assert result['archive'] == summary['archive']
    assert result['openclaw_version'] == version
    assert result['restore_method'] == ('cli' if version == '2026.9.6' else 'archive')
    shown = [{'path': item['path'], 'kind': item['kind']} for item in result['expected_differences']]
    if version == '2026.9.6':
        # OpenClaw's restore brings the state folder back 0755; the extraction keeps the archive's 0700.
        assert {'path': './', 'kind': 'mode'} in shown
    else:
        assert {'path': './', 'kind': 'mode'} not in shown
    assert mode_of(tmp_path / 'reports' / 'backups') == '0o700'
    assert mode_of(tmp_path / 'reports' / 'backups' / 'localhost.json') == '0o600'
    assert 'Passed' in (tmp_path / 'reports' / 'backups' / 'localhost.md').read_text()
    assert not (home / 'openclaw-restore-test').exists()
    # Nothing was written into the live state (the CLI may touch its database and locks).
    changed = [path for path, entry in snapshot(str(state)).items()
               if state_before.get(path) != entry and not path.startswith(('state/', 'tmp/', 'logs/', 'cache/'))]
    assert changed == []

    # The collection's own archive: no identity, and OpenClaw's own verify accepts it.
    own, output = run_role(home, version, tmp_path, openclaw_backups_method='archive',
                           openclaw_backups_max_age_hours=0)
    assert own.returncode == 0, output
    newest = archives(backups)[-1]
    with tarfile.open(newest, 'r:gz') as tar:
        names = tar.getnames()
    assert any(name.endswith('/.openclaw/skills/plant-care/SKILL.md') for name in names)
    assert not any('/.openclaw/identity' in name or '/.openclaw/devices' in name for name in names)
    verify = openclaw(version, home, 'backup', 'verify', newest, '--json')
    assert verify.returncode == 0, verify.stdout + verify.stderr
    own_test, output = run_restore_test(home, version, tmp_path, openclaw_backups_method='archive')
    assert own_test.returncode == 0, output
    own_report = report(tmp_path)
    assert own_report['archive'] == newest and own_report['passed'] is True
    assert {'path': 'identity/', 'kind': 'only_live',
            'reason': 'left out by the backup: machine-local pairing identity (identity)'} in own_report['expected_differences']

    # A damaged archive: the recovery test fails, and its report says why.
    data = bytearray(open(newest, 'rb').read())
    for index in range(len(data) // 2, len(data) // 2 + 16):
        data[index] ^= 0xFF
    open(newest, 'wb').write(bytes(data))
    damaged, output = run_restore_test(home, version, tmp_path)
    assert damaged.returncode != 0, output
    assert 'The recovery test of localhost failed' in output
    damaged_report = report(tmp_path)
    assert damaged_report['passed'] is False
    assert 'failed verification' in damaged_report['error']
    assert 'FAILED' in (tmp_path / 'reports' / 'backups' / 'localhost.md').read_text()
    assert not (home / 'openclaw-restore-test').exists()


@pytest.fixture
def outside(tmp_path):
    """A folder outside /tmp (the guards refuse backups there) and outside the role's home: in the real home of
    the user running the tests, removed afterwards."""
    folder = tempfile.mkdtemp(prefix='clawfleet-test-', dir=pwd.getpwuid(os.getuid()).pw_dir)
    try:
        yield pathlib.Path(folder)
    finally:
        shutil.rmtree(folder)


@pytest.mark.slow
def test_a_backup_folder_outside_the_home_is_checked_before_it_is_created(tmp_path, outside):
    """Outside the user's home root creates the folder, but only after the module refused bad links."""
    version = '2026.9.6'
    home = tmp_path / 'home'
    write_home(home, version)
    (tmp_path / 'cron.d').mkdir()
    backups = outside / 'srv' / 'backups' / 'openclaw'
    backups.parent.mkdir(parents=True)

    run, output = run_role(home, version, tmp_path, openclaw_backups_dir=str(backups))
    assert run.returncode == 0, output
    assert mode_of(backups) == '0o700' and len(archives(backups)) == 1
    again, output = run_role(home, version, tmp_path, openclaw_backups_dir=str(backups))
    assert again.returncode == 0, output
    assert recap_changed(output) == 0, output

    served = outside / 'web' / 'public_html'
    served.mkdir(parents=True)
    (outside / 'srv' / 'site').symlink_to(served)
    refused, output = run_role(home, version, tmp_path, openclaw_backups_dir=str(outside / 'srv' / 'site' / 'openclaw'))
    assert refused.returncode != 0
    assert 'resolves to %s/openclaw, a shared or world-readable place' % served in helpers.refusals(output), output
    assert os.listdir(str(served)) == []
