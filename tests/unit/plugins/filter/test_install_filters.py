# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The install role's filters: which Node an OpenClaw release needs, and whether one fits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.filter import install


def test_filters_are_registered():
    assert set(install.FilterModule().filters()) == {'node_engines', 'node_fits'}


@pytest.mark.parametrize('openclaw, engines', [
    ('2026.9.6', '>=24.16.0 <25 || >=26.1.0'), ('2026.6.5', '>=22.19.0')])
def test_node_engines(openclaw, engines):
    assert install.node_engines(openclaw) == engines


@pytest.mark.parametrize('node, openclaw, fits', [
    ('v24.21.0', '2026.9.6', True), ('v22.19.0', '2026.9.6', False), ('v22.19.0', '2026.6.5', True),
    ('v18.19.0', '2026.6.5', False), ('', '2026.9.6', False), ('node: command not found', '2026.9.6', False)])
def test_node_fits(node, openclaw, fits):
    assert install.node_fits(node, openclaw) is fits


def test_a_version_that_is_not_exact_is_an_error():
    with pytest.raises(AnsibleFilterError, match='node_engines: .*pin an exact release'):
        install.node_engines('latest')
    with pytest.raises(AnsibleFilterError, match='node_fits: '):
        install.node_fits('v24.21.0', 'latest')
