# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_info: facts from package.json, the config file and recorded socket tables.

The module must start no process at all, but for ``docker version`` when
asked (``reads: [docker]``); ``run_command`` and ``subprocess`` are replaced by
traps that fail the test when called, and the Docker probe's tests answer
``docker version`` with real recorded outputs (``fixtures/docker``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.module_utils import cli, listen
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_backup, openclaw_info
from ansible_collections.clawfleet.openclaw.tests.unit import helpers


class Machine(object):
    """A home, an optional OpenClaw package and socket tables recorded on a real host."""

    def __init__(self, tmp_path, monkeypatch, version='2026.9.6', config=None, mode=0o600, proc='empty', env=None):
        self.tmp = tmp_path
        self.home = tmp_path / 'home'
        self.state = self.home / '.openclaw'
        self.state.mkdir(parents=True)
        self.binary = None
        if version:
            package = tmp_path / 'prefix' / 'lib' / 'node_modules' / 'openclaw'
            package.mkdir(parents=True)
            (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version,
                                                              'bin': {'openclaw': 'openclaw.mjs'}}))
            (package / 'openclaw.mjs').write_text('#!/usr/bin/env node\n')
            os.chmod(str(package / 'openclaw.mjs'), 0o755)
            bindir = tmp_path / 'prefix' / 'bin'
            bindir.mkdir()
            self.binary = bindir / 'openclaw'
            os.symlink('../lib/node_modules/openclaw/openclaw.mjs', str(self.binary))
            self.package = package
        self.config = self.state / 'openclaw.json'
        if config is not None:
            self.config.write_text(config if isinstance(config, str) else json.dumps(config))
            os.chmod(str(self.config), mode)
        if isinstance(env, bytes):
            (self.state / '.env').write_bytes(env)
        elif env == 'a folder':
            (self.state / '.env').mkdir()
        elif env is not None:
            (self.state / '.env').write_text(env)
        self.proc = proc
        self.table_reads = 0
        self.processes = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.trap_run_command)
        monkeypatch.setattr(subprocess, 'Popen', self.trap_popen)
        monkeypatch.setattr(listen, 'read_tables', self.read_tables)
        # nothing from the machine running the tests may be found
        empty = tmp_path / 'empty-path'
        empty.mkdir()
        monkeypatch.setenv('PATH', str(empty))
        monkeypatch.setattr(cli, 'BINARY_CANDIDATES', (str(tmp_path / 'nowhere' / 'openclaw'),))

    def trap_run_command(self, *args, **kwargs):
        self.processes.append(('run_command', args))
        raise AssertionError('openclaw_info started a process: %r' % (args,))

    def trap_popen(self, *args, **kwargs):
        self.processes.append(('Popen', args))
        raise AssertionError('openclaw_info started a process: %r' % (args,))

    def read_tables(self, *args, **kwargs):
        self.table_reads += 1
        return helpers.tables(self.proc)

    def args(self, **extra):
        args = {'home': str(self.home)}
        if self.binary is not None:
            args['openclaw_bin'] = str(self.binary)
        args.update(extra)
        return args


def run_module(args, capsys):
    return helpers.run_module(openclaw_info, args, capsys)


HARDENED = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'bind': 'loopback', 'port': 18789},
}

LOOPBACK_18789 = [{'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'loopback': True},
                  {'address': '::1', 'family': 'ipv6', 'port': 18789, 'loopback': True}]

# id, machine, module args, expected
CASES = [
    ('installed 2026.9.6, loopback listener', dict(config=HARDENED, proc='loopback'), {},
     dict(installed=True, version='2026.9.6', config_exists=True, config_mode='0600', config_parse_error=None,
          gateway_port=18789, gateway_bind='loopback', gateway_listening=True, gateway_listeners=LOOPBACK_18789)),
    ('installed 2026.6.5', dict(version='2026.6.5', config=HARDENED), {},
     dict(installed=True, version='2026.6.5', gateway_listening=False, gateway_listeners=[])),
    ('config mode reported', dict(config=HARDENED, mode=0o644), {},
     dict(config_mode='0644', config_exists=True)),
    ('no config file', dict(config=None), {},
     dict(config_exists=False, config_mode=None, config_parse_error=None, gateway_port=18789, gateway_bind=None)),
    ('port from the config', dict(config={'gateway': {'port': 18791, 'bind': 'custom'}}, proc='mixed'), {},
     dict(gateway_port=18791, gateway_bind='custom', gateway_listening=True,
          gateway_listeners=[{'address': '127.0.0.2', 'family': 'ipv4', 'port': 18791, 'loopback': True}])),
    ('port option beats the config', dict(config={'gateway': {'port': 18791}}, proc='mixed'), {'port': 18790},
     dict(gateway_port=18790, gateway_listening=True,
          gateway_listeners=[{'address': '::ffff:127.0.0.1', 'family': 'ipv6', 'port': 18790, 'loopback': True}])),
    ('default port', dict(config={'gateway': {'mode': 'local'}}, proc='mixed'), {},
     dict(gateway_port=18789, gateway_listening=True,
          gateway_listeners=[{'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'loopback': True},
                             {'address': '192.0.2.2', 'family': 'ipv4', 'port': 18789, 'loopback': False},
                             {'address': 'fd00::2', 'family': 'ipv6', 'port': 18789, 'loopback': False}])),
    ('a port that is not a number falls back', dict(config={'gateway': {'port': '18791'}}, proc='mixed'), {},
     dict(gateway_port=18789)),
    ('wildcard listeners are reported', dict(config=HARDENED, proc='wildcard'), {},
     dict(gateway_listening=True,
          gateway_listeners=[{'address': '0.0.0.0', 'family': 'ipv4', 'port': 18789, 'loopback': False},
                             {'address': '::', 'family': 'ipv6', 'port': 18789, 'loopback': False}])),
    ('nothing on the port', dict(config=HARDENED, proc='empty'), {},
     dict(gateway_listening=False, gateway_listeners=[])),
    ('parse error reported', dict(config='{"gateway": {"port": 18791,}}\n', proc='mixed'), {},
     dict(config_exists=True, config_parse_error_has=['invalid JSON', 'line 1', 'JSON5'],
          gateway_port=18789, gateway_bind=None)),
    ('top level not an object', dict(config='["gateway"]\n'), {},
     dict(config_parse_error_has=['the top level is an array'], gateway_port=18789, config_channels=[])),
    ('configured channels by name, shared settings left out',
     dict(config={'channels': {'telegram': {'enabled': True, 'botToken': 'x'}, 'defaults': {'groupPolicy': 'disabled'},
                               'modelByChannel': {}, 'discord': {'enabled': False}}}), {},
     dict(config_channels=['discord', 'telegram'])),
    ('no channels', dict(config=HARDENED), {}, dict(config_channels=[])),
    ('names set in .env, never values',
     dict(config=HARDENED, env='# OPENCLAW_OLD=x\nOPENCLAW_HOOKS_TOKEN=secret-value\n\n  SPACED_NAME = "quoted"\n'
                               'export EXPORTED=1\nnot an assignment\nOPENCLAW_HOOKS_TOKEN=again\n'), {},
     dict(env_file_names=['OPENCLAW_HOOKS_TOKEN', 'SPACED_NAME'])),
    ('no .env', dict(config=HARDENED), {}, dict(env_file_names=[])),
    ('an empty .env', dict(config=HARDENED, env=''), {}, dict(env_file_names=[])),
    ('a .env that cannot be read is unknown', dict(config=HARDENED, env='a folder'), {}, dict(env_file_names=None)),
    ('a .env that is not text is unknown', dict(config=HARDENED, env=b'\xff\xfe\x00=1\n'), {},
     dict(env_file_names=None)),
]


def socket_key(item):
    return item['family'], item['address']


@pytest.mark.parametrize('machine,args,expected', [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_openclaw_info(machine, args, expected, tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, **machine)
    result = run_module(host.args(**args), capsys)
    assert result['_exit'] == 0
    assert 'failed' not in result or result['failed'] is False, result.get('msg')
    assert result['changed'] is False
    assert host.processes == []
    assert host.table_reads == 1
    assert result['home'] == str(host.home)
    assert result['state_dir'] == str(host.state)
    assert result['config_path'] == str(host.config)
    assert result['user_id'] == os.getuid()
    if host.binary is not None:
        assert result['binary'] == str(host.binary)
        assert result['package_root'] == str(host.package)
    expected = dict(expected)
    for text in expected.pop('config_parse_error_has', []):
        assert text in result['config_parse_error'], result['config_parse_error']
    if 'gateway_listeners' in expected:
        # in the order of the kernel's tables; compare as a set of sockets
        assert (sorted(result['gateway_listeners'], key=socket_key)
                == sorted(expected.pop('gateway_listeners'), key=socket_key))
    for key, value in expected.items():
        assert result[key] == value, key
    assert 'secret-value' not in result['_raw'] and 'quoted' not in result['_raw']


def test_version_read_without_any_process(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, version='2026.9.6', config=HARDENED)
    # a version no CLI could report: it can only come from package.json
    (host.package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': '2026.9.6-unit.7'}))
    result = run_module(host.args(), capsys)
    assert result['version'] == '2026.9.6-unit.7'
    assert host.processes == []


def test_missing_binary(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, version=None, config=HARDENED)
    result = run_module(host.args(openclaw_bin=str(tmp_path / 'missing' / 'openclaw')), capsys)
    assert result['installed'] is False
    assert result['version'] is None
    assert result['binary'] is None
    assert result['package_root'] is None
    # the rest is still reported
    assert result['config_exists'] is True and result['gateway_bind'] == 'loopback'


def test_not_found_anywhere(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, version=None, config=None)
    result = run_module(host.args(), capsys)
    assert result['installed'] is False
    assert result['version'] is None


def test_found_in_the_users_npm_prefix(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, version='2026.6.5', config=None)
    prefix_bin = host.home / '.npm-global' / 'bin'
    prefix_bin.mkdir(parents=True)
    os.symlink(os.path.relpath(str(host.package / 'openclaw.mjs'), str(prefix_bin)), str(prefix_bin / 'openclaw'))
    args = host.args()
    del args['openclaw_bin']
    result = run_module(args, capsys)
    assert result['installed'] is True
    assert result['binary'] == str(prefix_bin / 'openclaw')
    assert result['version'] == '2026.6.5'
    assert result['package_root'] == str(host.package)


def test_found_on_path(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, version='2026.9.6', config=None)
    monkeypatch.setenv('PATH', str(host.binary.parent))
    args = host.args()
    del args['openclaw_bin']
    result = run_module(args, capsys)
    assert result['binary'] == str(host.binary)
    assert result['version'] == '2026.9.6'


def test_state_dir_and_config_path_options(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED, proc='mixed')
    state = tmp_path / 'elsewhere'
    state.mkdir()
    (state / 'openclaw.json').write_text(json.dumps({'gateway': {'port': 18792, 'bind': 'loopback'}}))
    result = run_module(host.args(state_dir=str(state)), capsys)
    assert result['state_dir'] == str(state)
    assert result['config_path'] == str(state / 'openclaw.json')
    assert result['gateway_port'] == 18792
    assert result['gateway_listeners'] == [{'address': '::1', 'family': 'ipv6', 'port': 18792, 'loopback': True}]

    other = tmp_path / 'other.json'
    other.write_text(json.dumps({'gateway': {'port': 18790}}))
    result = run_module(host.args(state_dir=str(state), config_path=str(other)), capsys)
    assert result['config_path'] == str(other)
    assert result['gateway_port'] == 18790
    assert result['gateway_bind'] is None


def test_same_in_check_mode(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED, proc='loopback')
    normal = run_module(host.args(), capsys)
    checked = run_module(host.args(_ansible_check_mode=True), capsys)
    for key in ('installed', 'version', 'config_mode', 'gateway_port', 'gateway_listeners', 'changed'):
        assert normal[key] == checked[key], key


# reads: what the agents and sandbox roles would otherwise read in a round trip of their own

def docker_recording(name):
    with open(os.path.join(helpers.FIXTURES, 'docker', name + '.json')) as handle:
        return json.load(handle)


class Docker(object):
    """A docker executable on PATH whose `docker version` answers as recorded on a real machine."""

    def __init__(self, host, monkeypatch, recording):
        bindir = host.tmp / 'docker-bin'
        bindir.mkdir()
        self.binary = bindir / 'docker'
        self.binary.write_text('#!/bin/sh\nexit 99\n')
        os.chmod(str(self.binary), 0o755)
        monkeypatch.setenv('PATH', str(bindir))
        self.answer = docker_recording(recording)
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)

    def run_command(self, args, **kwargs):
        self.calls.append(list(args))
        return self.answer['rc'], self.answer['stdout'], self.answer['stderr']


def test_no_reads_asked_no_keys(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    helpers.write_cron_store(host.state, '2026.9.6', 'activity_cron_store_premium')
    result = run_module(host.args(), capsys)
    for key in ('cron_jobs', 'cron_jobs_error', 'docker'):
        assert key not in result, key


def test_cron_jobs_read_from_the_state_database_without_a_process(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    helpers.write_cron_store(host.state, '2026.9.6', 'activity_cron_store_premium')
    result = run_module(host.args(reads=['cron_jobs']), capsys)
    assert host.processes == []
    assert result['cron_jobs_error'] is None
    jobs = dict((job['name'], job) for job in result['cron_jobs'])
    assert jobs['nightly-digest']['models'] == ['anthropic/claude-opus-4-5']
    assert jobs['nightly-digest']['model_source'] == 'job' and jobs['nightly-digest']['enabled'] is True
    assert 'docker' not in result
    # the job's prompt stays on the host
    assert 'Summarise' not in result['_raw'] and '"message"' not in result['_raw']


def test_cron_jobs_of_an_agent_run_its_model_from_the_config(tmp_path, monkeypatch, capsys):
    config = dict(HARDENED, agents={'entries': {'main': {'model': {'primary': 'openai/gpt-5.2-pro'}}}})
    host = Machine(tmp_path, monkeypatch, config=config)
    helpers.write_cron_store(host.state, '2026.9.6', 'activity_cron_store_premium')
    result = run_module(host.args(reads=['cron_jobs']), capsys)
    heartbeat = [job for job in result['cron_jobs'] if job['name'] == 'heartbeat-main'][0]
    assert heartbeat['model_source'] == 'agent' and heartbeat['model'] == 'openai/gpt-5.2-pro'


def test_no_state_database_means_no_cron_jobs(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    result = run_module(host.args(reads=['cron_jobs']), capsys)
    assert result['cron_jobs'] == [] and result['cron_jobs_error'] is None


def test_unreadable_state_database_is_reported_not_failed(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED, proc='loopback')
    (host.state / 'state').mkdir()
    (host.state / 'state' / 'openclaw.sqlite').write_text('not a database\n' * 100)
    result = run_module(host.args(reads=['cron_jobs']), capsys)
    assert result['_exit'] == 0 and 'failed' not in result
    assert result['cron_jobs'] is None
    assert 'openclaw.sqlite' in result['cron_jobs_error']
    # the other facts are still there
    assert result['gateway_listening'] is True and result['version'] == '2026.9.6'


@pytest.mark.parametrize('recording,expected', [
    ('version_reachable', dict(reachable=True, error=None)),
    ('version_no_engine', dict(reachable=False, error='Cannot connect to the Docker daemon at '
                               'unix:///run/clawfleet-no-engine.sock. Is the docker daemon running?')),
    ('version_permission_denied', dict(reachable=False, error=docker_recording(
        'version_permission_denied')['stderr'].strip())),
    ('version_timeout', dict(reachable=False, error='`docker version` did not answer within 60 s')),
])
def test_docker_probe(recording, expected, tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    docker = Docker(host, monkeypatch, recording)
    result = run_module(host.args(reads=['docker']), capsys)
    assert result['_exit'] == 0
    assert result['docker'] == expected
    assert docker.calls == [['timeout', '--kill-after=10', '60', str(docker.binary), 'version']]
    assert 'cron_jobs' not in result


def test_docker_probe_timeout_option(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    docker = Docker(host, monkeypatch, 'version_timeout')
    result = run_module(host.args(reads=['docker', 'cron_jobs'], docker_timeout=5), capsys)
    assert docker.calls[0][:3] == ['timeout', '--kill-after=10', '5']
    assert result['docker'] == dict(reachable=False, error='`docker version` did not answer within 5 s')
    assert result['cron_jobs'] == []


def test_no_docker_executable_is_unreachable_without_a_process(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **k: None)
    result = run_module(host.args(reads=['docker']), capsys)
    assert host.processes == []
    assert result['docker'] == dict(reachable=False, error='no docker executable on the PATH')


def test_docker_timeout_must_be_positive(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    result = run_module(host.args(reads=['docker'], docker_timeout=0), capsys)
    assert result['failed'] is True and 'docker_timeout must be at least 1' in result['msg']
    assert host.processes == []


def test_reads_same_in_check_mode(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    helpers.write_cron_store(host.state, '2026.9.6', 'activity_cron_store_premium')
    docker = Docker(host, monkeypatch, 'version_no_engine')
    normal = run_module(host.args(reads=['cron_jobs', 'docker']), capsys)
    checked = run_module(host.args(reads=['cron_jobs', 'docker'], _ansible_check_mode=True), capsys)
    assert normal['cron_jobs'] == checked['cron_jobs'] and normal['docker'] == checked['docker']
    assert len(docker.calls) == 2


# reads: [state_archive] says what openclaw_backup's archive_state step would do, in the same way

def tree(root):
    """Every path under ``root`` with its lstat mode and mtime: what a look that changes nothing leaves alone."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            info = os.lstat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (info.st_mode, info.st_mtime_ns)
    return found


def archive_layout(host, layout):
    folder = host.tmp / 'openclaw-backups'
    archive = folder / 'openclaw-state-20261202.tar.gz'
    if layout == 'inside the state folder':
        archive = host.state / 'openclaw-state-20261202.tar.gz'
        helpers.put(archive, 'archive', mode=0o600)
        return archive
    if layout == 'nothing yet':
        return archive
    folder.mkdir(mode=0o700)
    os.chmod(str(folder), 0o755 if layout == 'folder 0755' else 0o700)
    if layout == 'a link':
        helpers.put(host.tmp / 'elsewhere.tar.gz', 'archive', mode=0o600)
        os.symlink(str(host.tmp / 'elsewhere.tar.gz'), str(archive))
    elif layout == 'a folder':
        archive.mkdir(mode=0o700)
    elif layout != 'folder only':
        helpers.put(archive, 'archive', mode=0o644 if layout == 'archive 0644' else 0o600)
    return archive


ARCHIVE_LAYOUTS = ['in place', 'nothing yet', 'folder only', 'archive 0644', 'folder 0755', 'a link', 'a folder',
                   'inside the state folder', 'another owner']


@pytest.mark.parametrize('layout', ARCHIVE_LAYOUTS)
def test_state_archive_in_place_only_when_the_archive_step_would_change_nothing(layout, tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    archive = archive_layout(host, 'in place' if layout == 'another owner' else layout)
    if layout == 'another owner':
        monkeypatch.setattr(os, 'geteuid', lambda: os.getuid() + 4242)
    before = tree(str(tmp_path))
    result = run_module(host.args(reads=['state_archive'], archive=str(archive)), capsys)
    assert result['state_archive']['path'] == str(archive)
    step = helpers.run_module(openclaw_backup, dict(state='archive_state', archive=str(archive), home=str(host.home),
                                                    _ansible_check_mode=True), capsys)
    assert result['state_archive']['in_place'] is (not step.get('failed') and step['changed'] is False), step
    assert result['state_archive']['in_place'] is (layout == 'in place')
    assert tree(str(tmp_path)) == before
    assert host.processes == []


def test_state_archive_needs_the_archive(tmp_path, monkeypatch, capsys):
    host = Machine(tmp_path, monkeypatch, config=HARDENED)
    result = run_module(host.args(reads=['state_archive']), capsys)
    assert result['failed'] is True and 'give archive' in result['msg']
