# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the install role uses to choose a Node runtime."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.clawfleet.openclaw.plugins.module_utils import install as _install


def node_engines(openclaw_version):
    """The Node range (``engines.node``) OpenClaw ``openclaw_version`` needs."""
    try:
        return _install.engines_for(openclaw_version)
    except _install.InstallError as exc:
        raise AnsibleFilterError('node_engines: %s' % exc)


def node_fits(node_version, openclaw_version):
    """Whether Node ``node_version`` (``v24.21.0`` or ``24.21.0``) can run OpenClaw ``openclaw_version``."""
    try:
        _install.parse_node_version(node_version)
    except _install.InstallError:
        return False
    try:
        return _install.satisfies(node_version, _install.engines_for(openclaw_version))
    except _install.InstallError as exc:
        raise AnsibleFilterError('node_fits: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'node_engines': node_engines, 'node_fits': node_fits}
