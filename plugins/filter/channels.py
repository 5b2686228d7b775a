# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for chat channel access (guide section 4).

The logic lives in ``module_utils/channels.py``; these filters check their
inputs and turn errors into filter errors. Documentation: one ``<filter>.yml``
beside this file per filter.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.clawfleet.openclaw.plugins.module_utils import channels as channel_access


def _mapping_or_none(filter_name, what, value):
    if value is not None and not isinstance(value, Mapping):
        raise AnsibleFilterError('%s: %s must be a dict or null, got %s' % (filter_name, what, type(value).__name__))
    return dict(value) if value is not None else None


def _list(filter_name, what, value):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise AnsibleFilterError('%s: %s must be a list, got %s' % (filter_name, what, type(value).__name__))
    return list(value)


def agent_tool_exposure(agent_id, tools=None):
    """Dangerous tool groups (exec, group:fs, group:runtime) an agent has under the inventory's tool policy."""
    return channel_access.agent_tool_exposure(agent_id, _mapping_or_none('agent_tool_exposure', 'tools', tools))


def channel_refusals(channels, tools=None, default_agent='main', known_agents=None, extra_bindings=None):
    """Problems in the inventory's channel settings, one message each; empty when they may be applied."""
    return channel_access.channel_refusals(
        _mapping_or_none('channel_refusals', 'the channel settings', channels) or {},
        tools=_mapping_or_none('channel_refusals', 'tools', tools),
        default_agent=default_agent,
        known_agents=_list('channel_refusals', 'known_agents', known_agents),
        extra_bindings=_list('channel_refusals', 'extra_bindings', extra_bindings))


def channels_fragment(channels, unlisted=None, unlisted_mode='disable', default_agent='main', extra_bindings=None):
    """The channels and bindings keys of openclaw.json for checked channel settings."""
    if unlisted_mode not in ('disable', 'keep'):
        raise AnsibleFilterError('channels_fragment: unlisted_mode must be disable or keep, got %r' % (unlisted_mode,))
    settings = _mapping_or_none('channels_fragment', 'the channel settings', channels) or {}
    # The role's guards (channel_refusals) have checked the settings; only the shape is checked again here.
    for name, value in settings.items():
        if name not in channel_access.CHANNELS or not isinstance(value, Mapping):
            raise AnsibleFilterError('channels_fragment: %r is not a known channel with a dict of settings '
                                     '(known: %s)' % (name, ', '.join(sorted(channel_access.CHANNELS))))
    return channel_access.channels_fragment(
        settings, unlisted=_list('channels_fragment', 'unlisted', unlisted), unlisted_mode=unlisted_mode,
        default_agent=default_agent, extra_bindings=_list('channels_fragment', 'extra_bindings', extra_bindings))


class FilterModule(object):
    def filters(self):
        return {
            'agent_tool_exposure': agent_tool_exposure,
            'channel_refusals': channel_refusals,
            'channels_fragment': channels_fragment,
        }
