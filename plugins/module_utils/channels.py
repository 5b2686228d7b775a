# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Chat channel access (guide section 4): who may reach an agent, and with which tools.

Three pure functions, shared by the ``channels`` role's filters:

* :func:`agent_tool_exposure` works out which dangerous tool groups (``exec``,
  ``group:fs``, ``group:runtime``) an agent gets from the tool policy the
  inventory gives (profile, allow, deny, exec mode; global and per agent);
* :func:`channel_refusals` checks the inventory's channel settings and returns
  one message per problem, each naming the variable, the channel, the agent and
  the fix; an empty list means the settings may be applied;
* :func:`channels_fragment` renders the ``channels.<name>`` keys and the
  channel routes (``bindings``) in the form OpenClaw 2026.6 and 2026.9 share.

Tool groups and profiles are OpenClaw's own (``src/agents/tool-catalog.ts`` of
2026.9.6; the same members in 2026.6.5): a profile is a base allowlist that
``allow`` widens and ``deny`` narrows; an unset profile filters nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import string_types

FS_TOOLS = ('ls', 'read', 'write', 'edit', 'apply_patch')
RUNTIME_TOOLS = ('exec', 'process', 'code_execution')
DANGEROUS_TOOLS = FS_TOOLS + RUNTIME_TOOLS
# What each group or name in an allow or deny list stands for, as far as the
# dangerous tools go. `bash` is OpenClaw's alias of exec.
TOOL_GROUPS = {
    'group:fs': FS_TOOLS,
    'group:runtime': RUNTIME_TOOLS + ('secrets',),
    'group:openclaw': ('code_execution',),
    'bash': ('exec',),
    '*': DANGEROUS_TOOLS,
}
# Dangerous tools each built-in profile selects; None (unset) and full filter nothing.
PROFILE_TOOLS = {
    'minimal': (),
    'messaging': (),
    'coding': DANGEROUS_TOOLS,
    'full': DANGEROUS_TOOLS,
    None: DANGEROUS_TOOLS,
}

# Per channel: the key of its group allowlist and where the senders allowed in
# groups go. Discord and Slack have no groupAllowFrom or groups (both versions):
# Discord allowlists guilds (and channels in them), Slack channels, each with users.
CHANNELS = {
    'telegram': {'groups_key': 'groups', 'senders': 'groupAllowFrom', 'numeric_ids': True},
    'whatsapp': {'groups_key': 'groups', 'senders': 'groupAllowFrom', 'numeric_ids': False},
    'signal': {'groups_key': 'groups', 'senders': 'groupAllowFrom', 'numeric_ids': False},
    'discord': {'groups_key': 'guilds', 'senders': 'users', 'numeric_ids': False},
    'slack': {'groups_key': 'channels', 'senders': 'users', 'numeric_ids': False},
}
SETTINGS = ('enabled', 'dm_policy', 'allow_from', 'groups', 'group_senders', 'group_policy', 'require_mention',
            'agent', 'open_acknowledged', 'no_mention_acknowledged')
DM_POLICIES = ('allowlist', 'pairing', 'disabled', 'open')
GROUP_POLICIES = ('allowlist', 'disabled', 'open')
# A bot token or password in the channel settings belongs in vault, through the secrets role.
SECRET_KEY_RE = re.compile(r'(token|secret|password|apikey|api_key|key)$', re.IGNORECASE)
AGENT_ID_RE = re.compile(r'^[a-z0-9][a-z0-9_-]{0,63}$')
ID_RE = re.compile(r'^[^\s/*]+$')


def _names(value):
    return [item for item in (value or []) if isinstance(item, string_types)]


def _expand(names):
    tools = set()
    for name in _names(names):
        name = name.strip().lower()
        tools.update(TOOL_GROUPS.get(name, (name,)))
    return tools


def agent_tool_exposure(agent_id, tools):
    """Dangerous tool groups agent ``agent_id`` has: a sorted subset of ``exec``, ``group:fs``, ``group:runtime``.

    ``tools`` is the tools role's view of the inventory: ``{profile, deny, allow, exec_mode, agents}`` where
    ``agents`` is a list of ``{id, profile, deny, allow, exec_mode}``. ``None`` for ``tools`` (the tool policy
    is not known here) counts as everything allowed: a guard must not pass on what it cannot see.
    """
    if tools is None:
        return ['exec', 'group:fs', 'group:runtime']
    agent = {}
    for entry in tools.get('agents') or []:
        if isinstance(entry, dict) and entry.get('id') == agent_id:
            agent = entry
    profile = agent.get('profile') or tools.get('profile')
    available = set(PROFILE_TOOLS.get(profile, DANGEROUS_TOOLS))
    available |= _expand(tools.get('allow')) | _expand(agent.get('allow'))
    available -= _expand(tools.get('deny')) | _expand(agent.get('deny'))
    exec_mode = agent.get('exec_mode') or tools.get('exec_mode')
    exposure = []
    # With exec.mode deny the exec tool refuses every command.
    if 'exec' in available and exec_mode != 'deny':
        exposure.append('exec')
    if available & set(FS_TOOLS):
        exposure.append('group:fs')
    if available & {'process', 'code_execution'}:
        exposure.append('group:runtime')
    return sorted(exposure)


def _settings(channels, name):
    return (channels or {}).get(name) or {}


def _serving_agents(name, settings, default_agent, extra_bindings):
    agents = [settings.get('agent') or default_agent]
    for binding in extra_bindings or []:
        if isinstance(binding, dict) and (binding.get('match') or {}).get('channel') == name:
            agents.append(binding.get('agentId'))
    return [agent for index, agent in enumerate(agents) if agent and agent not in agents[:index]]


def channel_refusals(channels, tools=None, default_agent='main', known_agents=None, extra_bindings=None,
                     var_prefix='openclaw_channels_'):
    """Problems in the inventory's channel settings, one message each (empty: fine).

    ``channels`` maps a channel name to its settings (the role's ``openclaw_channels_<name>`` variables, empty
    ones left out). ``known_agents`` lists the agent ids the inventory declares (the default agent is always
    known); ``extra_bindings`` are the user's own routes, whose agents serve that channel too.
    """
    problems = []
    known = set(known_agents or []) | {default_agent}
    for name in sorted(channels or {}):
        settings = _settings(channels, name)
        var = var_prefix + name
        if name not in CHANNELS:
            problems.append('%s: channel %r is not one this role manages (%s).' % (var, name, ', '.join(sorted(CHANNELS))))
            continue
        if not isinstance(settings, dict):
            problems.append('%s must be a dict of channel settings, e.g. {dm_policy: allowlist, allow_from: ["123"]}.'
                            % var)
            continue
        problems.extend(_channel_problems(name, settings, var, tools, default_agent, known, extra_bindings))
    return problems


def _id_list_problems(name, settings, key, var):
    value = settings.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or any(not isinstance(item, string_types + (int,)) or isinstance(item, bool)
                                          or not str(item).strip() for item in value):
        return ['%s.%s must be a list of ids (strings), e.g. ["123456789"], got %r.' % (var, key, value)]
    problems = []
    if any(str(item).strip() == '*' for item in value):
        problems.append('%s.%s holds "*", which admits everyone: list the ids, or use %s with '
                        'open_acknowledged for a channel that is meant to be public.'
                        % (var, key, 'dm_policy: open' if key == 'allow_from' else 'group_policy: open'))
    if CHANNELS[name]['numeric_ids'] and key in ('allow_from', 'group_senders'):
        bad = [str(item) for item in value if not re.match(r'^-?\d+$', str(item).strip())]
        if bad:
            problems.append('%s.%s: Telegram matches numeric user ids only, and ignores %s; use the numeric ids '
                            '(the bot sees them in the update, e.g. from /start).' % (var, key, ', '.join(bad)))
    return problems


def _group_id_problems(name, settings, var):
    groups = settings.get('groups')
    if groups is None:
        return []
    if not isinstance(groups, list) or any(not isinstance(item, string_types + (int,)) or isinstance(item, bool)
                                           for item in groups):
        return ['%s.groups must be a list of group ids (strings), got %r.' % (var, groups)]
    problems = []
    for item in groups:
        text = str(item).strip()
        parts = text.split('/')
        if name == 'discord':
            if not (1 <= len(parts) <= 2 and all(ID_RE.match(part) for part in parts)):
                problems.append('%s.groups: %r is not "<guild id>" or "<guild id>/<channel id>".' % (var, text))
        elif not ID_RE.match(text):
            problems.append('%s.groups: %r is not a %s id (no spaces, "/" or "*"; "*" would admit every group).'
                            % (var, text, 'channel' if name == 'slack' else 'group'))
    return problems


def _channel_problems(name, settings, var, tools, default_agent, known, extra_bindings):
    problems = []
    unknown = sorted(key for key in settings if key not in SETTINGS)
    secrets = [key for key in unknown if SECRET_KEY_RE.search(key)]
    if secrets:
        problems.append('%s.%s: bot tokens do not go in the channel settings; put them in vault and list them in '
                        'openclaw_secrets_channel_tokens (secrets role), which keeps them in 0600 files behind a '
                        'SecretRef.' % (var, secrets[0]))
    others = [key for key in unknown if key not in secrets]
    if others:
        problems.append('%s: unknown setting(s) %s; known: %s.' % (var, ', '.join(others), ', '.join(SETTINGS)))
    for key in ('enabled', 'require_mention', 'open_acknowledged', 'no_mention_acknowledged'):
        if key in settings and not isinstance(settings[key], bool):
            problems.append('%s.%s must be true or false, got %r.' % (var, key, settings[key]))
    dm_policy = settings.get('dm_policy', 'allowlist')
    if dm_policy not in DM_POLICIES:
        problems.append('%s.dm_policy must be one of %s, got %r.' % (var, ', '.join(DM_POLICIES), dm_policy))
    group_policy = settings.get('group_policy')
    if group_policy is not None and group_policy not in GROUP_POLICIES:
        problems.append('%s.group_policy must be one of %s, got %r.' % (var, ', '.join(GROUP_POLICIES), group_policy))
    for key in ('allow_from', 'group_senders'):
        problems.extend(_id_list_problems(name, settings, key, var))
    problems.extend(_group_id_problems(name, settings, var))
    if problems:
        return problems

    enabled = settings.get('enabled', True)
    allow_from = settings.get('allow_from') or []
    groups = settings.get('groups') or []
    if enabled and dm_policy == 'allowlist' and not allow_from:
        problems.append('%s: dm_policy allowlist with an empty allow_from lets nobody in; list your own user id(s) in '
                        'allow_from, or set dm_policy: disabled.' % var)
    if group_policy == 'allowlist' and not groups:
        problems.append('%s: group_policy allowlist needs the group ids in groups; leave group_policy out (groups '
                        'off) when the channel serves no group.' % var)
    if groups and group_policy == 'disabled':
        problems.append('%s: groups are listed but group_policy is disabled; remove one of the two.' % var)
    if enabled and groups and group_policy != 'open' and not (settings.get('group_senders') or allow_from):
        problems.append('%s: groups are listed but nobody may trigger the bot there; set group_senders (or '
                        'allow_from) to the user ids allowed to mention it.' % var)

    agent = settings.get('agent')
    if agent is not None and (not isinstance(agent, string_types) or not AGENT_ID_RE.match(agent)):
        problems.append('%s.agent must be an agent id (lower-case letters, digits, _ and -), got %r.' % (var, agent))
        return problems
    if agent is not None and agent not in known:
        problems.append('%s.agent %r is not an agent the inventory declares (%s); declare it in openclaw_tools_agents '
                        'so its tools are known, or route the channel to one of those.'
                        % (var, agent, ', '.join(sorted(known))))
        return problems

    opened = [policy for policy, value in (('dm_policy', dm_policy), ('group_policy', group_policy))
              if value == 'open']
    if opened and not settings.get('open_acknowledged', False):
        for serving in _serving_agents(name, settings, default_agent, extra_bindings):
            exposure = agent_tool_exposure(serving, tools)
            if exposure:
                problems.append(
                    '%s: %s open on channel %s, whose agent %r has %s tools: anyone who can message the bot could '
                    'make it run commands or touch files. Use allowlist, take %s away from agent %r, or set '
                    '%s.open_acknowledged: true to accept that trust boundary for this channel.'
                    % (var, ' and '.join('%s is' % p for p in opened), name, serving, ', '.join(exposure),
                       ', '.join(exposure), serving, var))
    if groups and settings.get('require_mention', True) is False and not settings.get('no_mention_acknowledged'):
        problems.append('%s: require_mention false lets the bot answer every message in its groups, where the guide '
                        'says someone will eventually paste untrusted content. Keep require_mention true, or set '
                        '%s.no_mention_acknowledged: true.' % (var, var))
    return problems


def _ids(values):
    return [str(value).strip() for value in values or []]


def _channel_config(name, settings):
    spec = CHANNELS[name]
    dm_policy = settings.get('dm_policy', 'allowlist')
    allow_from = _ids(settings.get('allow_from'))
    groups = _ids(settings.get('groups'))
    senders = _ids(settings.get('group_senders')) or allow_from
    require_mention = settings.get('require_mention', True)
    group_policy = settings.get('group_policy') or ('allowlist' if groups else 'disabled')
    config = {
        'enabled': settings.get('enabled', True),
        'dmPolicy': dm_policy,
        # An empty list removes the key: the DM policy alone then decides (pairing, disabled).
        'allowFrom': allow_from or None,
        'groupPolicy': group_policy,
    }
    group_map = None
    if groups:
        group_map = {'$replace': True}
        for group in groups:
            if name == 'discord':
                guild, _sep, channel = group.partition('/')
                entry = group_map.setdefault(guild, {'requireMention': require_mention, 'users': senders})
                if channel:
                    entry.setdefault('channels', {})[channel] = {'requireMention': require_mention}
            elif name == 'slack':
                group_map[group] = {'requireMention': require_mention, 'users': senders}
            else:
                group_map[group] = {'requireMention': require_mention}
    config[spec['groups_key']] = group_map
    if spec['senders'] == 'groupAllowFrom':
        config['groupAllowFrom'] = senders if groups else None
    if name == 'slack':
        config['requireMention'] = require_mention
    if name in ('discord', 'slack'):
        # The 2026.6 DM keys still decide there when set; the top-level ones are the current form.
        config['dm'] = {'policy': None, 'allowFrom': None}
    return config


def channels_fragment(channels, unlisted=None, unlisted_mode='disable', default_agent='main', extra_bindings=None):
    """The ``channels`` and ``bindings`` keys the role owns, for settings that passed :func:`channel_refusals`.

    ``unlisted`` names channels present in openclaw.json that the inventory does not list; with
    ``unlisted_mode`` ``disable`` each is turned off (its account data stays), with ``keep`` left alone.
    ``bindings`` is written whole (channel routes first, then ``extra_bindings``) when any channel names an
    agent or extra bindings are given; otherwise the user's routes are left as they are.
    """
    fragment = {'channels': {}}
    for name in sorted(channels or {}):
        fragment['channels'][name] = _channel_config(name, _settings(channels, name))
    if unlisted_mode == 'disable':
        for name in sorted(set(unlisted or []) - set(channels or {})):
            fragment['channels'][name] = {'enabled': False, 'dmPolicy': 'disabled', 'groupPolicy': 'disabled'}
    routes = []
    for name in sorted(channels or {}):
        agent = _settings(channels, name).get('agent')
        if agent:
            routes.append({'agentId': agent, 'comment': 'clawfleet.openclaw channels role',
                           'match': {'channel': name, 'accountId': '*'}})
    if routes or extra_bindings:
        fragment['bindings'] = routes + list(extra_bindings or [])
    if not fragment['channels']:
        del fragment['channels']
    return fragment
