# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CLI runner: JSON on stdout, finding the binary and its package, running it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import cli
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, find_binary, package_root, package_version, parse_json_output)

CLI = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cli')


def recording(version, name):
    with open(os.path.join(CLI, version, name + '.json')) as handle:
        return json.load(handle)


def first_line(text):
    return text.splitlines()[0] + '\n'


# Log lines OpenClaw really printed (on stderr in these recordings); a plugin
# may print such a line on stdout before the JSON document.
CONFIG_WARNING_LINE = first_line(recording('2026.9.6', 'security-audit-insecure-A-valid')['stderr'])
TOOLS_POLICY_LINE = first_line(recording('2026.6.5', 'doctor-lint-hardened')['stderr'])


# --------------------------------------------------------------------------
# parse_json_output
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version,name', [
    ('2026.9.6', 'config-validate-valid'),
    ('2026.9.6', 'config-validate-invalid'),
    ('2026.6.5', 'config-validate-invalid'),
    ('2026.9.6', 'security-audit-hardened'),
    ('2026.6.5', 'doctor-lint-hardened'),
])
def test_parse_recorded_stdout(version, name):
    stdout = recording(version, name)['stdout']
    assert parse_json_output(stdout) == json.loads(stdout)


def test_parse_recorded_values():
    assert parse_json_output(recording('2026.9.6', 'config-validate-valid')['stdout']) == {
        'valid': True, 'path': '<HOME>/.openclaw/openclaw.json', 'warnings': []}
    invalid = parse_json_output(recording('2026.6.5', 'config-validate-invalid')['stdout'])
    assert invalid['valid'] is False
    assert [i['path'] for i in invalid['issues']] == ['gateway.port', 'gateway.bind', '<root>']


def test_recorded_log_lines_are_log_lines():
    # the premise of the next tests: these lines start like JSON or not, and are not JSON
    assert CONFIG_WARNING_LINE.startswith('[config] warnings:')
    assert TOOLS_POLICY_LINE.startswith('tools policy:')
    for line in (CONFIG_WARNING_LINE, TOOLS_POLICY_LINE):
        with pytest.raises(ValueError):
            json.loads(line)


@pytest.mark.parametrize('prefix', [
    CONFIG_WARNING_LINE,
    TOOLS_POLICY_LINE,
    TOOLS_POLICY_LINE + CONFIG_WARNING_LINE,
], ids=['bracketed log line', 'plain log line', 'two log lines'])
@pytest.mark.parametrize('version,name', [
    ('2026.9.6', 'config-validate-invalid'),
    ('2026.9.6', 'config-validate-valid'),
    ('2026.6.5', 'security-audit-hardened'),
])
def test_parse_after_log_lines(prefix, version, name):
    stdout = recording(version, name)['stdout']
    assert parse_json_output(prefix + stdout) == json.loads(stdout)


@pytest.mark.parametrize('text', [None, '', '  \n', 'Segmentation fault\n', CONFIG_WARNING_LINE,
                                  recording('2026.6.5', 'security-audit-invalid')['stderr']])
def test_parse_no_json(text):
    assert parse_json_output(text) is None


# --------------------------------------------------------------------------
# find_binary
# --------------------------------------------------------------------------

def executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/usr/bin/env node\n')
    os.chmod(str(path), 0o755)
    return str(path)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Every place find_binary looks, all under tmp_path and all holding a binary."""
    home = tmp_path / 'home'
    found = {
        'explicit': executable(tmp_path / 'explicit' / 'openclaw'),
        'path': executable(tmp_path / 'on-path' / 'openclaw'),
        'npm_global': executable(home / '.npm-global' / 'bin' / 'openclaw'),
        'local_bin': executable(home / '.local' / 'bin' / 'openclaw'),
        'usr_local': executable(tmp_path / 'usr' / 'local' / 'bin' / 'openclaw'),
        'opt': executable(tmp_path / 'opt' / 'openclaw' / 'node_modules' / '.bin' / 'openclaw'),
    }
    monkeypatch.setattr(cli, 'BINARY_CANDIDATES', (found['usr_local'], found['opt']))
    return home, found


def test_find_binary_order(places):
    home, found = places

    def which(name):
        return found['path'] if name == 'openclaw' else None

    assert find_binary(found['explicit'], str(home), which) == found['explicit']
    assert find_binary(None, str(home), which) == found['path']
    assert find_binary(None, str(home), lambda name: None) == found['npm_global']
    os.unlink(found['npm_global'])
    assert find_binary(None, str(home), lambda name: None) == found['local_bin']
    os.unlink(found['local_bin'])
    assert find_binary(None, str(home), lambda name: None) == found['usr_local']
    # without a home the user's prefixes are not searched
    assert find_binary(None, None, None) == found['usr_local']
    os.unlink(found['usr_local'])
    assert find_binary(None, str(home), None) == found['opt']
    os.unlink(found['opt'])
    assert find_binary(None, str(home), None) is None


def test_find_binary_explicit_missing_does_not_fall_back(places, tmp_path):
    home, found = places
    assert find_binary(str(tmp_path / 'typo' / 'openclaw'), str(home), lambda name: found['path']) is None


# --------------------------------------------------------------------------
# package_root / package_version
# --------------------------------------------------------------------------

def package(folder, version, name='openclaw'):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'package.json').write_text(json.dumps({'name': name, 'version': version,
                                                     'bin': {'openclaw': 'openclaw.mjs'}}))
    return executable(folder / 'openclaw.mjs')


def test_global_install_layout(tmp_path):
    prefix = tmp_path / 'usr'
    root = prefix / 'lib' / 'node_modules' / 'openclaw'
    package(root, '2026.9.6')
    (prefix / 'bin').mkdir()
    link = prefix / 'bin' / 'openclaw'
    os.symlink('../lib/node_modules/openclaw/openclaw.mjs', str(link))
    assert package_root(str(link)) == str(root)
    assert package_version(str(link)) == '2026.9.6'


def test_global_install_with_a_copied_launcher(tmp_path):
    # <prefix>/bin/openclaw is a file of its own, not a link to the package
    prefix = tmp_path / 'usr'
    root = prefix / 'lib' / 'node_modules' / 'openclaw'
    package(root, '2026.6.5')
    launcher = executable(prefix / 'bin' / 'openclaw')
    assert package_root(launcher) == str(root)
    assert package_version(launcher) == '2026.6.5'


def test_local_install_layout(tmp_path):
    project = tmp_path / 'opt' / 'openclaw'
    project.mkdir(parents=True)
    # the project's own package.json names another package: it must be passed over
    (project / 'package.json').write_text(json.dumps({'name': 'fleet-gateway', 'version': '1.0.0'}))
    root = project / 'node_modules' / 'openclaw'
    package(root, '2026.9.6')
    bindir = project / 'node_modules' / '.bin'
    bindir.mkdir()
    link = bindir / 'openclaw'
    os.symlink('../openclaw/openclaw.mjs', str(link))
    assert package_root(str(link)) == str(root)
    assert package_version(str(link)) == '2026.9.6'
    # a .bin entry that is a plain file still finds the sibling package
    os.unlink(str(link))
    executable(link)
    assert package_root(str(link)) == str(root)
    assert package_version(str(link)) == '2026.9.6'


def test_bin_entry_in_the_package_root(tmp_path):
    root = tmp_path / 'pkg' / 'openclaw'
    binary = package(root, '2026.9.6')
    assert package_root(binary) == str(root)


def test_package_of_another_name_is_not_openclaw(tmp_path):
    binary = package(tmp_path / 'pkg' / 'not-openclaw', '9.9.9', name='something-else')
    assert package_root(binary) is None
    assert package_version(binary) is None


def test_no_package(tmp_path):
    binary = executable(tmp_path / 'bin' / 'openclaw')
    assert package_root(binary) is None
    assert package_version(binary) is None
    assert package_root(None) is None
    assert package_version(None) is None


def test_broken_package_json_is_skipped(tmp_path):
    root = tmp_path / 'pkg' / 'openclaw'
    binary = package(root, '2026.9.6')
    (root / 'package.json').write_text('{"name": "openclaw", ')
    assert package_root(binary) is None


# --------------------------------------------------------------------------
# OpenClawCLI.run
# --------------------------------------------------------------------------

class FakeModule(object):
    """Stands in for AnsibleModule: records run_command, answers with a recording."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def get_bin_path(self, name, *args, **kwargs):
        return None

    def fail_json(self, **kwargs):
        raise AssertionError('fail_json(%r)' % (kwargs,))

    def run_command(self, args, **kwargs):
        self.calls.append({'args': args, 'kwargs': kwargs})
        if len(self.answer) == 3:
            return self.answer
        rec = recording(*self.answer)
        return rec['rc'], rec['stdout'], rec['stderr']


@pytest.fixture
def installed(tmp_path):
    root = tmp_path / 'prefix' / 'lib' / 'node_modules' / 'openclaw'
    package(root, '2026.9.6')
    (tmp_path / 'prefix' / 'bin').mkdir()
    link = tmp_path / 'prefix' / 'bin' / 'openclaw'
    os.symlink('../lib/node_modules/openclaw/openclaw.mjs', str(link))
    home = tmp_path / 'home'
    home.mkdir()
    return {'binary': str(link), 'home': str(home), 'root': str(root)}


def test_run_builds_the_argument_list_and_environment(installed):
    module = FakeModule(('2026.9.6', 'config-validate-valid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'],
                         config_path='/srv/openclaw.json', state_dir='/srv/state', timeout=45,
                         environment={'OPENCLAW_GATEWAY_TOKEN': 'from-env-file'})
    result = runner.run(['config', 'validate', '--json'], json_output=True)
    assert len(module.calls) == 1
    call = module.calls[0]
    assert call['args'] == ['timeout', '--kill-after=10', '45', installed['binary'], 'config', 'validate', '--json']
    kwargs = call['kwargs']
    assert kwargs['check_rc'] is False
    assert kwargs['cwd'] == installed['home']
    assert kwargs['expand_user_and_vars'] is False
    env = kwargs['environ_update']
    assert env['LC_ALL'] == 'C'
    assert env['HOME'] == installed['home']
    assert env['OPENCLAW_CONFIG_PATH'] == '/srv/openclaw.json'
    assert env['OPENCLAW_STATE_DIR'] == '/srv/state'
    assert env['OPENCLAW_GATEWAY_TOKEN'] == 'from-env-file'
    assert env['NO_COLOR'] == '1' and env['CI'] == '1'
    # the folder of the real entry point is searched for node last
    assert env['PATH'].split(':')[0] == '/usr/local/bin'
    assert env['PATH'].split(':')[-1] == installed['root']
    assert result.rc == 0
    assert result.cmd == ['openclaw', 'config', 'validate', '--json']
    assert result.data == {'valid': True, 'path': '<HOME>/.openclaw/openclaw.json', 'warnings': []}
    assert runner.version == '2026.9.6'


def test_run_per_call_options(installed):
    module = FakeModule(('2026.9.6', 'config-validate-valid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'], config_path='/srv/a.json')
    runner.run(['config', 'validate', '--json'], config_path='/srv/candidate.json', timeout=7,
               env={'EXTRA': '1', 'LC_ALL': 'C'}, cwd='/tmp', data='input')
    call = module.calls[0]
    assert call['args'][:3] == ['timeout', '--kill-after=10', '7']
    assert call['kwargs']['environ_update']['OPENCLAW_CONFIG_PATH'] == '/srv/candidate.json'
    assert call['kwargs']['environ_update']['EXTRA'] == '1'
    assert 'OPENCLAW_STATE_DIR' not in call['kwargs']['environ_update']
    assert call['kwargs']['cwd'] == '/tmp'
    assert call['kwargs']['data'] == 'input'


def test_run_default_timeout_and_no_config_path(installed):
    module = FakeModule(('2026.9.6', 'security-audit-hardened'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'])
    result = runner.run(['security', 'audit', '--json'], json_output=True)
    assert module.calls[0]['args'][:3] == ['timeout', '--kill-after=10', str(cli.DEFAULT_TIMEOUT)]
    assert 'OPENCLAW_CONFIG_PATH' not in module.calls[0]['kwargs']['environ_update']
    assert result.data['summary'] == {'critical': 0, 'warn': 0, 'info': 1}


def test_arguments_are_strings(installed):
    module = FakeModule(('2026.9.6', 'config-validate-valid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'])
    runner.run(['gateway', '--port', 18789])
    assert module.calls[0]['args'][-2:] == ['--port', '18789']


@pytest.mark.parametrize('rc', [124, 137])
def test_timeout_raises(rc, installed):
    module = FakeModule((rc, '', ''))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'], timeout=30)
    with pytest.raises(OpenClawCLIError) as err:
        runner.run(['security', 'audit', '--json'], check=False)
    assert 'did not finish within 30 s' in str(err.value)
    assert 'timeout' in str(err.value)
    assert '`openclaw security audit --json`' in str(err.value)
    assert err.value.result.rc == rc


def test_nonzero_with_check_raises_with_the_last_stderr_lines(installed):
    module = FakeModule(('2026.6.5', 'security-audit-invalid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'])
    with pytest.raises(OpenClawCLIError) as err:
        runner.run(['security', 'audit', '--json'])
    msg = str(err.value)
    assert msg.startswith('`openclaw security audit --json` failed with exit code 1: ')
    assert msg.endswith('Fix: openclaw doctor --fix | Inspect: openclaw config validate | '
                        'Status, health, logs, tasks list/audit, and doctor commands still run with invalid config.')
    assert 'File: ~/.openclaw/openclaw.json' not in msg
    assert err.value.result.rc == 1
    assert err.value.result.as_dict()['cmd'] == ['openclaw', 'security', 'audit', '--json']


def test_nonzero_with_check_falls_back_to_stdout(installed):
    module = FakeModule(('2026.9.6', 'config-validate-invalid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'])
    with pytest.raises(OpenClawCLIError) as err:
        runner.run(['config', 'validate', '--json'], json_output=True)
    assert 'failed with exit code 1' in str(err.value)
    assert '"path": "<root>"' in str(err.value)


def test_nonzero_without_check_returns(installed):
    module = FakeModule(('2026.9.6', 'config-validate-invalid'))
    runner = OpenClawCLI(module, binary=installed['binary'], home=installed['home'])
    result = runner.run(['config', 'validate', '--json'], json_output=True, check=False)
    assert result.rc == 1
    assert result.data['valid'] is False
    assert len(result.data['issues']) == 6


def test_missing_binary_fails_before_running(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, 'BINARY_CANDIDATES', ())
    module = FakeModule((0, '', ''))
    runner = OpenClawCLI(module, binary=None, home=str(tmp_path))
    with pytest.raises(AssertionError, match='openclaw executable not found'):
        runner.run(['--version'])
    assert module.calls == []
    assert runner.version is None
