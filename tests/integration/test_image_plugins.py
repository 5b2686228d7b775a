# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which channel plugins each test image carries, and that they key its tag.

The images are built once and then found by tag, so everything that goes into
an image must change its tag: a plugin list that did not would leave an image
without the plugins in use after the list grows. These run the real
``scripts/lib.sh`` functions in bash, on a copy of the files the tag reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CURRENT = '2026.9.6'
LEGACY = '2026.6.5'
PLUGINS = 'discord slack whatsapp signal'


def lib(expression, root=REPO, **env):
    """Source ``<root>/scripts/lib.sh`` in a clean bash and print ``expression``."""
    environ = {'PATH': os.environ.get('PATH', '/usr/bin:/bin')}
    environ.update(env)
    result = subprocess.run(
        ['bash', '-c', '. "$1/scripts/lib.sh" && %s' % expression, 'lib', root],
        env=environ, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def image_copy(tmp_path):
    """A copy of the files the tag is computed from, to change one of them."""
    for folder in ('scripts', os.path.join('tests', 'image')):
        shutil.copytree(os.path.join(REPO, folder), str(tmp_path / folder))
    shutil.copy(os.path.join(REPO, 'requirements.txt'), str(tmp_path / 'requirements.txt'))
    return tmp_path


def test_current_release_carries_the_four_channel_plugins():
    assert lib('channel_plugins %s' % CURRENT) == PLUGINS


@pytest.mark.parametrize('version', [LEGACY, '2026.6.10'])
def test_releases_before_the_plugin_split_carry_none(version):
    # The plugins' peer range starts at 2026.6.11; 2026.6.5 bundles what it needs.
    assert lib('channel_plugins %s' % version) == ''


@pytest.mark.parametrize('version', ['2026.6.11', '2026.10.1'])
def test_releases_from_the_split_on_carry_them(version):
    assert lib('channel_plugins %s' % version) == PLUGINS


def test_tag_names_the_version_and_a_content_hash():
    tag = lib('test_image_tag %s' % CURRENT)
    name, rest = tag.split(':', 1)
    assert name == 'clawfleet/openclaw-test'
    version, key = rest.rsplit('-', 1)
    assert version == CURRENT
    assert len(key) == 10 and int(key, 16) >= 0


def test_plugin_list_is_part_of_the_current_tag():
    default = lib('test_image_tag %s' % CURRENT)
    fewer = lib('test_image_tag %s' % CURRENT, OPENCLAW_CHANNEL_PLUGINS='discord slack')
    assert fewer != default
    assert lib('channel_plugins %s' % CURRENT, OPENCLAW_CHANNEL_PLUGINS='discord slack') == 'discord slack'


def test_plugin_list_leaves_the_legacy_tag_alone():
    # An image without plugins is not rebuilt when the plugin list changes.
    assert (lib('test_image_tag %s' % LEGACY, OPENCLAW_CHANNEL_PLUGINS='discord')
            == lib('test_image_tag %s' % LEGACY))


def test_install_script_is_part_of_every_tag(image_copy):
    before = [lib('test_image_tag %s' % v, root=str(image_copy)) for v in (CURRENT, LEGACY)]
    with open(str(image_copy / 'tests' / 'image' / 'install-channel-plugins.sh'), 'a') as handle:
        handle.write('# changed\n')
    after = [lib('test_image_tag %s' % v, root=str(image_copy)) for v in (CURRENT, LEGACY)]
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_the_copy_gives_the_same_tags_as_the_checkout(image_copy):
    # Guards the test above: the tag depends on file contents, not on where they are.
    for version in (CURRENT, LEGACY):
        assert lib('test_image_tag %s' % version, root=str(image_copy)) == lib('test_image_tag %s' % version)
