"""The logging role's whole path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the logging role against a throwaway home (no
service to restart), on each version of helpers.APPLY_VERSIONS. The home holds a
lived-in openclaw.json that logs at debug into /tmp with a custom redaction
list that replaces OpenClaw's built-in one, a log folder and log files others
can read, session transcripts and media of every age (OpenClaw's own layout of
2026.6: ``agents/<id>/sessions/<session id>.jsonl``), daily memory files, and
links from the media folder to a folder outside the state folder.

The real ``openclaw security audit`` of 2026.6.5 reports the readable log file
(2026.9.6 makes the file it writes to 0600 itself, but not the rotated archives
or the folder); check mode
changes nothing and lists exactly the files it would delete; the run writes the
keys in the version's form, keeps the user's, deletes exactly the old sessions
and media (never a memory file, never through a link), lists the memory files
to review, makes the log folder 0700 and the log files 0600, passes the real
``openclaw config validate`` and converges; the audit is then quiet about the
log file.
"""
import datetime
import glob
import json
import os
import subprocess
import time

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('logging_local.yml')
DAY = 86400
INVENTORY = {
    'openclaw_logging_memory_review_bytes': 2048,
}

openclaw_bin = helpers.openclaw_bin
recap_changed = helpers.recap_changed
snapshot = helpers.snapshot


def legacy(version):
    return version.startswith('2026.6.')


def daily(days_ago, slug=''):
    day = (datetime.date.today() - datetime.timedelta(days=days_ago)).isoformat()
    return day + ('-' + slug if slug else '') + '.md'


def live_config(version, home):
    """A config as a user leaves it: verbose logs in /tmp, redaction weakened, their own keys."""
    config = {
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28798, 'bind': 'loopback',
                    'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}},
        'logging': {'level': 'debug', 'consoleStyle': 'json', 'redactPatterns': ['my-internal-id-[0-9]+'],
                    'file': str(home / '.openclaw' / 'logs' / 'openclaw.log')},
        'session': {'dmScope': 'per-channel-peer', 'maintenance': {'mode': 'warn', 'maxEntries': 400}},
        'tools': {'profile': 'messaging'},
    }
    if legacy(version):
        config['logging']['redactSensitive'] = 'off'
        config['media'] = {'ttlHours': 24, 'preserveFilenames': False}
    else:
        config['attachments'] = {'ttlHours': 24}
    return config


def aged(path, days, text='x'):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = time.time() - days * DAY
    os.utime(str(path), (stamp, stamp))
    return path


def write_home(home, version, outside):
    """The state folder; returns (files to prune, files to keep, memory files to review)."""
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(str(state), 0o755)
    (state / 'openclaw.json').write_text(json.dumps(live_config(version, home), indent=2) + '\n')
    os.chmod(str(state / 'openclaw.json'), 0o644)
    sessions = state / 'agents' / 'main' / 'sessions'
    prune = [
        aged(sessions / '0c9e7d1a.jsonl', 45),
        aged(sessions / '0c9e7d1a.trajectory.jsonl', 45),
        aged(sessions / '0c9e7d1a.trajectory-path.json', 45),
        aged(sessions / '5b21f3c0.jsonl.reset.2026-09-01T08-00-00.000Z', 40),
        aged(state / 'agents' / 'coder' / 'sessions' / '77aa01be.jsonl', 31),
        aged(state / 'media' / 'inbound' / 'photo---4f1c.jpg', 8, 'p' * 300),
        aged(state / 'media' / 'voice-note.ogg', 20, 'v' * 200),
    ]
    keep = [
        aged(sessions / 'a1b2c3d4.jsonl', 2),
        aged(sessions / 'sessions.json', 45, '{}'),
        aged(sessions / 'skills-prompts' / 'sha256' / '6d' / 'prompt.txt', 60),
        aged(state / 'media' / 'inbound' / 'photo---9e0d.jpg', 1),
        aged(state / 'media' / 'outgoing' / 'managed.png', 30),
        aged(state / 'workspace' / 'memory' / daily(2), 2),
    ]
    review = [
        aged(state / 'workspace' / 'memory' / daily(150), 150),
        aged(state / 'workspace' / 'memory' / daily(5), 5, 'note\n' * 1000),
        aged(state / 'workspace-coder' / 'memory' / daily(100, 'release'), 100),
    ]
    # Links from inside the state folder to old files outside it: never followed, never deleted.
    (state / 'media' / 'archive').symlink_to(outside)
    (state / 'media' / 'inbound' / 'family.jpg').symlink_to(outside / 'family.jpg')
    logs = state / 'logs'
    logs.mkdir()
    os.chmod(str(logs), 0o755)
    for name in ('openclaw.log', 'openclaw.1.log'):
        aged(logs / name, 0, '{"0":"gateway ready"}\n')
        os.chmod(str(logs / name), 0o644)
    return state, prune, keep, review


def openclaw(version, home, *args):
    env = dict(os.environ, HOME=str(home), PATH=helpers.node_path(), OPENCLAW_GATEWAY_TOKEN='f' * 64)
    env.pop('OPENCLAW_CONFIG_PATH', None)
    return subprocess.run([openclaw_bin(version)] + list(args), capture_output=True, text=True, cwd=str(home),
                          env=env, timeout=300, check=False)


def log_findings(version, home):
    # 2026.9.6 checks file modes only in a deep audit.
    run = openclaw(version, home, 'security', 'audit', '--deep', '--json')
    assert run.returncode == 0, run.stdout + run.stderr
    return sorted(f['checkId'] for f in json.loads(run.stdout)['findings'] if f['checkId'].startswith(('fs.log_file', 'logging.')))


def run_role(home, version, check=False, **overrides):
    extra = dict(INVENTORY, openclaw_bin=openclaw_bin(version))
    extra.update(overrides)
    env = helpers.playbook_env(home=home, temp=home.parent / 'ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra), env, check=check)


def mode_of(path):
    return oct(os.stat(str(path)).st_mode & 0o777)


def expected_logging(version, home):
    logging = {'level': 'info', 'consoleLevel': 'info', 'consoleStyle': 'json',
               'file': str(home / '.openclaw' / 'logs' / 'openclaw.log')}
    if legacy(version):
        logging['redactSensitive'] = 'tools'
    else:
        logging['audit'] = {'enabled': True, 'executionIdentity': False, 'messages': 'off'}
    return logging


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_logging_applies_prunes_validates_and_converges(version, tmp_path):
    outside = tmp_path / 'elsewhere'
    aged(outside / 'family.jpg', 400)
    aged(outside / 'old-session.jsonl', 400)
    outside_before = snapshot(str(outside))

    # The real audit sees the readable log file (on a copy: the audit writes state).
    before_home = tmp_path / 'before' / 'home'
    write_home(before_home, version, outside)
    findings = log_findings(version, before_home)
    if legacy(version):
        assert findings == ['fs.log_file.perms_readable', 'logging.redact_off']
    else:
        # 2026.9.6 makes the active file 0600 itself whenever it appends to it (the audit just did, before
        # checking it); the rotated archive and the folder stay readable.
        assert findings == []
        logs = before_home / '.openclaw' / 'logs'
        assert (mode_of(logs), mode_of(logs / 'openclaw.log'), mode_of(logs / 'openclaw.1.log')) == ('0o755', '0o600', '0o644')

    home = tmp_path / 'run' / 'home'
    state, prune, keep, review = write_home(home, version, outside)
    before_state = snapshot(str(state))
    check, output = run_role(home, version, check=True)
    assert check.returncode == 0, output
    assert snapshot(str(state)) == before_state, 'check mode changed the state folder'
    assert recap_changed(output) > 0, output
    listed = output.split('are past their retention', 1)[1].split('\n\n', 1)[0]
    for path in prune:
        assert str(path) in listed, (path, output)
    for path in keep + review:
        assert str(path) not in listed, (path, output)
    assert 'would be deleted' in output

    first, output = run_role(home, version)
    assert first.returncode == 0, output
    for path in prune:
        assert not path.exists(), path
    for path in keep + review:
        assert path.exists(), path
    # Links are kept and never followed.
    assert os.path.islink(str(state / 'media' / 'archive'))
    assert os.path.islink(str(state / 'media' / 'inbound' / 'family.jpg'))
    assert snapshot(str(outside)) == outside_before
    for path in review:
        assert str(path) in output.split('Review these daily memory files', 1)[1], output

    config = json.loads((state / 'openclaw.json').read_text())
    assert config['logging'] == expected_logging(version, home)
    assert config['session'] == {'dmScope': 'per-channel-peer',
                                 'maintenance': {'mode': 'enforce', 'pruneAfter': '30d', 'resetArchiveRetention': '30d',
                                                 'maxEntries': 400}}
    if legacy(version):
        assert config['media'] == {'ttlHours': 168, 'preserveFilenames': False}
        assert 'attachments' not in config
        assert 'logging.audit dropped' in output
        assert 'attachments.ttlHours translated to media.ttlHours' in output
    else:
        assert config['attachments'] == {'ttlHours': 168}
        assert 'media' not in config
        assert 'logging.redactSensitive dropped' in output
    assert config['tools'] == {'profile': 'messaging'}
    assert config['meta']['lastTouchedVersion'] == version
    assert mode_of(state) == '0o700'
    assert mode_of(state / 'openclaw.json') == '0o600'
    assert mode_of(state / 'logs') == '0o700'
    assert mode_of(state / 'logs' / 'openclaw.log') == '0o600'
    assert mode_of(state / 'logs' / 'openclaw.1.log') == '0o600'

    validate = openclaw(version, home, 'config', 'validate', '--json')
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert json.loads(validate.stdout)['valid'] is True

    second, output = run_role(home, version)
    assert second.returncode == 0, output
    assert recap_changed(output) == 0, output

    check_again, output = run_role(home, version, check=True)
    assert check_again.returncode == 0, output
    assert recap_changed(output) == 0, 'check mode reports drift after converge:\n' + output
    assert 'are past their retention' not in output

    assert log_findings(version, home) == []
    # OpenClaw kept the file as written (no silent restore of its last good copy).
    assert json.loads((state / 'openclaw.json').read_text())['logging'] == config['logging']
    assert not glob.glob(str(state / 'openclaw.json.clobbered.*'))
    assert not glob.glob(str(state / 'openclaw.json.rejected.*'))
