"""The secrets role's whole path against the real OpenClaw, on this machine, at ``-vvv --diff``.

Runs ``ansible-playbook`` with the secrets role against a throwaway home (no
service to restart), on each version of helpers.APPLY_VERSIONS. The live file holds a
provider key and a bot token in clear, as a user who followed no guide has it.
Every run is made at ``-vvv --diff`` and its whole output is searched for each
secret value: none may appear, in check mode or not. The keys end up in 0600
files or the Gateway's environment file, openclaw.json holds only references,
the real ``openclaw config validate`` and ``openclaw secrets audit --check``
pass, and a second run changes nothing.
"""
import datetime
import json
import os
import subprocess

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('secrets_local.yml')
VERBOSE = ['-vvv', '--diff']
# Key-shaped but made up for this test; the scan would report them if they leaked.
ANTHROPIC = 'sk-ant-api03-LocalApplyFake-' + 'Q7mZ2xK9pL4vN8rT1wY6' * 3
OPENROUTER = 'sk-or-v1-' + '5e1f9a0c3b7d2e4f' * 4
TELEGRAM = '987654321:AAHlocalApplyFakeBotToken-0123456789'
SECRETS = (ANTHROPIC, OPENROUTER, TELEGRAM)


def days_ago(days):
    return (datetime.datetime.utcnow().date() - datetime.timedelta(days=days)).isoformat()


def live_config(version):
    return {
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28793, 'bind': 'loopback', 'auth': {'mode': 'none'}},
        'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789'],
                                  'groupPolicy': 'disabled', 'botToken': TELEGRAM}},
        'models': {'providers': {'anthropic': {'apiKey': ANTHROPIC}}},
    }


def role_vars(**more):
    extra = {
        'openclaw_secrets_auth_profiles': [{'id': 'anthropic:default', 'provider': 'anthropic', 'mode': 'api_key'},
                                           {'id': 'openrouter:default', 'provider': 'openrouter'}],
        'openclaw_secrets_provider_keys': [
            {'provider': 'anthropic', 'value': ANTHROPIC, 'class': 'production', 'rotated_on': days_ago(80)},
            {'provider': 'openrouter', 'value': OPENROUTER, 'class': 'development', 'delivery': 'env'},
        ],
        'openclaw_secrets_channel_tokens': [{'channel': 'telegram', 'value': TELEGRAM}],
    }
    extra.update(more)
    return extra


def make_home(tmp_path, version):
    home = tmp_path / 'home'
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(state, 0o755)
    (state / 'openclaw.json').write_text(json.dumps(live_config(version), indent=2) + '\n')
    os.chmod(state / 'openclaw.json', 0o644)
    return home


def run_role(home, version, check=False, **more):
    extra = dict(role_vars(**more), openclaw_bin=helpers.openclaw_bin(version))
    env = helpers.playbook_env(home=home, temp=home.parent / 'ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra), env, check=check, options=VERBOSE)


def assert_no_secret(output):
    for secret in SECRETS:
        for part in (secret, secret[-24:]):
            assert part not in output, 'a secret value was printed:\n' + output


def openclaw(home, version, *args):
    return subprocess.run([helpers.openclaw_bin(version)] + list(args), capture_output=True, text=True,
                          cwd=str(home), timeout=120, check=False,
                          env=dict(os.environ, HOME=str(home), PATH=helpers.node_path(), OPENROUTER_API_KEY=OPENROUTER))


def mode_of(path):
    return oct(os.stat(str(path)).st_mode & 0o777)


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_keys_move_out_of_the_config_and_never_show(version, tmp_path):
    home = make_home(tmp_path, version)
    state = home / '.openclaw'
    # The Gateway's copy of the last file it started well on (0600, as OpenClaw writes it) still holds the keys
    # while it starts on the new file, when the scan runs: not a finding.
    last_good = state / 'openclaw.json.last-good'
    last_good.write_text((state / 'openclaw.json').read_text())
    os.chmod(last_good, 0o600)
    before = helpers.snapshot(str(state))

    check, output = run_role(home, version, check=True)
    assert check.returncode == 0, output
    assert helpers.snapshot(str(state)) == before, 'check mode changed the state folder'
    assert helpers.recap_changed(output) > 0, output
    assert_no_secret(output)
    # The scan reports the keys still in clear in the live file without failing a check run.
    assert '%s/openclaw.json:' % state in output, output
    assert '%s:' % last_good not in output, output

    first, output = run_role(home, version)
    assert first.returncode == 0, output
    assert_no_secret(output)
    assert '%s:' % last_good not in output, output
    assert 'anthropic api key is 80 days old and due for rotation within 10 days' in output, output

    config = json.loads((state / 'openclaw.json').read_text())
    assert config['models']['providers']['anthropic']['apiKey'] == {
        'source': 'file', 'provider': 'anthropic_api_key', 'id': 'value'}
    assert config['models']['providers']['openrouter']['apiKey'] == {
        'source': 'env', 'provider': 'default', 'id': 'OPENROUTER_API_KEY'}
    assert config['channels']['telegram']['botToken'] == {
        'source': 'file', 'provider': 'telegram_bot_token', 'id': 'value'}
    assert config['channels']['telegram']['allowFrom'] == ['123456789']
    assert config['auth']['profiles'] == {'anthropic:default': {'provider': 'anthropic', 'mode': 'api_key'},
                                          'openrouter:default': {'provider': 'openrouter', 'mode': 'api_key'}}
    assert config['secrets']['providers'] == {
        'anthropic_api_key': {'source': 'file', 'mode': 'singleValue', 'path': '%s/secrets/anthropic_api_key' % state},
        'telegram_bot_token': {'source': 'file', 'mode': 'singleValue', 'path': '%s/secrets/telegram_bot_token' % state},
    }
    text = (state / 'openclaw.json').read_text()
    assert_no_secret(text)

    secrets = state / 'secrets'
    assert (secrets / 'anthropic_api_key').read_text() == ANTHROPIC + '\n'
    assert (secrets / 'telegram_bot_token').read_text() == TELEGRAM + '\n'
    assert (state / 'gateway.env').read_text() == 'OPENROUTER_API_KEY=%s\n' % OPENROUTER
    for path in (secrets / 'anthropic_api_key', secrets / 'telegram_bot_token', state / 'gateway.env'):
        assert mode_of(path) == '0o600', path
    assert mode_of(secrets) == '0o700'
    record = json.loads((secrets / 'anthropic_api_key.rotation.json').read_text())
    assert record['rotated_on'] == days_ago(80) and record['max_age_days'] == 90
    assert json.loads((secrets / 'openrouter_api_key.rotation.json').read_text())['max_age_days'] == 30
    for name in os.listdir(str(secrets)):
        if name.endswith('.rotation.json'):
            assert_no_secret((secrets / name).read_text())

    validate = openclaw(home, version, 'config', 'validate', '--json')
    assert validate.returncode == 0 and json.loads(validate.stdout)['valid'] is True, validate.stdout + validate.stderr
    audit = openclaw(home, version, 'secrets', 'audit', '--check', '--json')
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert json.loads(audit.stdout)['status'] == 'clean'

    second, output = run_role(home, version)
    assert second.returncode == 0, output
    assert helpers.recap_changed(output) == 0, output
    assert_no_secret(output)

    again, output = run_role(home, version, check=True)
    assert again.returncode == 0, output
    assert helpers.recap_changed(output) == 0, output
    assert_no_secret(output)


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME='Test', GIT_AUTHOR_EMAIL='t@example.invalid',
               GIT_COMMITTER_NAME='Test', GIT_COMMITTER_EMAIL='t@example.invalid')
    return subprocess.run(['git', '-C', str(repo)] + list(args), capture_output=True, text=True, env=env, check=True)


@pytest.mark.slow
def test_repo_history_gitignore_and_overdue_keys(tmp_path):
    version = '2026.9.6'
    home = make_home(tmp_path, version)
    repo = tmp_path / 'dotfiles'
    repo.mkdir()
    git(repo, 'init', '-q')
    (repo / '.gitignore').write_text('node_modules/\n.env\n')
    (repo / 'config').mkdir()
    (repo / 'config' / 'openclaw.json').write_text('{\n  "models": {"providers": {"anthropic": {\n'
                                                   '    "apiKey": "%s"}}}\n}\n' % ANTHROPIC)
    git(repo, 'add', '.')
    git(repo, 'commit', '-q', '-m', 'my config')
    leaked = git(repo, 'rev-parse', 'HEAD').stdout.strip()
    git(repo, 'rm', '-q', 'config/openclaw.json')
    git(repo, 'commit', '-q', '-m', 'remove the key')
    location = '%s@%s:config/openclaw.json' % (repo, leaked[:12])

    failed, output = run_role(home, version, openclaw_secrets_repos=[str(repo)])
    assert failed.returncode != 0, output
    assert location in output, output
    assert 'sk-ant-' in output and 'Rotate' in output, output
    assert_no_secret(output)
    gitignore = (repo / '.gitignore').read_text()
    assert gitignore.startswith('node_modules/\n.env\n'), gitignore
    block = gitignore.split('# BEGIN clawfleet.openclaw secrets baseline')[1]
    for line in ('.env.local', '.env.*', '*.pem', '*.key', '.secrets/', 'credentials/', 'auth-profiles.json',
                 'devices/'):
        assert '\n%s\n' % line in block, gitignore
    assert '\n.env\n' not in block, 'a line the user had is repeated'

    accepted, output = run_role(home, version, openclaw_secrets_repos=[str(repo)],
                                openclaw_secrets_scan_accepted=[location])
    assert accepted.returncode == 0, output
    assert helpers.recap_changed(output) == 0, output
    assert (repo / '.gitignore').read_text() == gitignore

    overdue, output = run_role(home, version, openclaw_secrets_fail_when_overdue=True,
                               openclaw_secrets_provider_keys=[{'provider': 'anthropic', 'value': ANTHROPIC,
                                                                'rotated_on': days_ago(120)}])
    assert overdue.returncode != 0, output
    assert 'anthropic api key is 120 days old (limit 90)' in output, output
    assert_no_secret(output)

    not_a_repo, output = run_role(home, version, openclaw_secrets_repos=[str(tmp_path)])
    assert not_a_repo.returncode != 0, output
    assert 'openclaw_secrets_repos names %s, which is not a git repository' % tmp_path in output, output
