# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one version-compat table for OpenClaw settings.

OpenClaw's schema moves between releases: keys are retired, renamed or change
shape. Roles render their fragments in one vocabulary (either era's keys are
accepted) and :func:`translate` turns a fragment into what the host's version
accepts. Every key that is dropped or rewritten gives one warning; nothing is
dropped silently. The host's own ``openclaw config validate`` stays the final
word.

Rules hold ``since`` (first version they apply to) and/or ``before`` (first
version they no longer apply to). Paths are dotted object keys; ``*`` stands
for any one key. A ``null`` value in a fragment means "delete this key", and
deleting a key the version does not have is harmless (it removes a leftover),
so ``null`` values are kept as they are and give no warning.

Measured versions: 2026.6.5 and 2026.9.6. The boundary of the 2026.9 rules is
2026.9.0; releases between the two measured ones were not measured.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import (
    Mapping, format_id, format_key, is_secret_ref, plain_copy, string_types,
)

KNOWN_VERSIONS = ('2026.6.5', '2026.9.6')
NEWEST_KNOWN = KNOWN_VERSIONS[-1]
OLDEST_KNOWN = KNOWN_VERSIONS[0]

ACTIONS = ('drop', 'rename', 'agents_list_to_entries', 'agents_entries_to_list',
           'workshop_enabled_to_mode', 'workshop_mode_to_enabled', 'refuse_store_refs')

_V9 = '2026.9.0'

# The table. Order matters only for readability; rules touch distinct keys.
RULES = (
    # ---- 2026.9 and newer: keys the seed guide (2026.6 era) used ----------
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'gateway.controlUi.allowInsecureAuth',
     'why': 'retired, no replacement; built-in defaults now apply'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'gateway.controlUi.dangerouslyDisableDeviceAuth',
     'why': 'retired and ignored; doctor removes it'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'gateway.tailscale.resetOnExit',
     'why': 'retired; managed routes follow the Gateway lifecycle'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'gateway.tailscale.serviceName',
     'why': 'retired, no replacement'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'meta.lastTouchedAt',
     'why': '2026.6 wrote it; 2026.9 keeps only lastTouchedVersion and rejects it'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'logging.redactSensitive',
     'why': 'retired; 2026.9 always redacts tools output'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'channels.discord.dm.policy',
     'why': 'removed; use channels.discord.dmPolicy'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'channels.discord.dm.allowFrom',
     'why': 'removed; use channels.discord.allowFrom'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'channels.slack.dm.policy',
     'why': 'removed; use channels.slack.dmPolicy'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'channels.slack.dm.allowFrom',
     'why': 'removed; use channels.slack.allowFrom'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'models.pricing',
     'why': 'removed; costs live on each model entry (cost)'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'auth.cooldowns',
     'why': 'removed, no replacement'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'secrets.resolution',
     'why': 'removed, no replacement'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'secrets.providers.*.allowInsecurePath',
     'why': 'removed; file providers need a private, single-link regular file'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'secrets.providers.*.allowSymlinkCommand',
     'why': 'removed, no replacement'},
    {'since': _V9, 'before': None, 'action': 'agents_list_to_entries',
     'path': 'agents.list', 'to': 'agents.entries',
     'why': 'the agent roster is the keyed map agents.entries.<id>'},
    {'since': _V9, 'before': None, 'action': 'drop',
     'path': 'agents.entries.*.default',
     'why': 'default markers are retired; set agents.ownership to "explicit"'},
    {'since': _V9, 'before': None, 'action': 'rename',
     'path': 'tools.exec.timeoutSec', 'to': 'tools.exec.timeoutSeconds',
     'why': 'renamed'},
    {'since': _V9, 'before': None, 'action': 'workshop_enabled_to_mode',
     'path': 'skills.workshop.autonomous.enabled', 'to': 'skills.workshop.autonomous.mode',
     'why': 'the switch is the mode off/propose/auto (false is off, true is auto)'},
    {'since': _V9, 'before': None, 'action': 'rename',
     'path': 'gateway.nodes.allowCommands', 'to': 'gateway.nodes.commands.allow',
     'why': 'node command lists moved under gateway.nodes.commands'},
    {'since': _V9, 'before': None, 'action': 'rename',
     'path': 'gateway.nodes.denyCommands', 'to': 'gateway.nodes.commands.deny',
     'why': 'node command lists moved under gateway.nodes.commands'},
    {'since': _V9, 'before': None, 'action': 'rename',
     'path': 'media.ttlHours', 'to': 'attachments.ttlHours',
     'why': 'the media retention sweep moved to attachments; 2026.9 refuses a media block'},

    # ---- before 2026.9: keys that came with 2026.9 ------------------------
    {'since': None, 'before': _V9, 'action': 'agents_entries_to_list',
     'path': 'agents.entries', 'to': 'agents.list',
     'why': 'the agent roster is the list agents.list of {id, ...}'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'agents.ownership',
     'why': 'added in 2026.9; a 2026.6 roster needs no ownership setting'},
    {'since': None, 'before': _V9, 'action': 'workshop_mode_to_enabled',
     'path': 'skills.workshop.autonomous.mode', 'to': 'skills.workshop.autonomous.enabled',
     'why': 'the switch is the boolean enabled (off is false, propose and auto are true)'},
    {'since': None, 'before': _V9, 'action': 'rename',
     'path': 'tools.exec.timeoutSeconds', 'to': 'tools.exec.timeoutSec',
     'why': 'the older name'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'logging.audit',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'secrets.defaults.store',
     'why': "added in 2026.9 with 'store' secrets"},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'secrets.egressProxy',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'models.catalogRefresh',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'gateway.auth.identityScopes',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'gateway.auth.trustedProxy.deviceAutoApprove',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'gateway.auth.trustedProxy.cloudflareAccessOidc',
     'why': 'added in 2026.9'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'mcp.apps',
     'why': 'added in 2026.9 with MCP Apps views'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'gateway.nodes.pairing',
     'why': 'added in 2026.9; 2026.6 pairs local nodes silently and has no switch for it'},
    {'since': None, 'before': _V9, 'action': 'drop',
     'path': 'gateway.nodes.allowSkills',
     'why': 'added in 2026.9 with skills published by paired nodes'},
    {'since': None, 'before': _V9, 'action': 'rename',
     'path': 'gateway.nodes.commands.allow', 'to': 'gateway.nodes.allowCommands',
     'why': 'the older spelling of the node command allowlist'},
    {'since': None, 'before': _V9, 'action': 'rename',
     'path': 'gateway.nodes.commands.deny', 'to': 'gateway.nodes.denyCommands',
     'why': 'the older spelling of the node command denylist'},
    {'since': None, 'before': _V9, 'action': 'rename',
     'path': 'attachments.ttlHours', 'to': 'media.ttlHours',
     'why': 'the older home of the media retention sweep; 2026.6 refuses an attachments block'},
    {'since': None, 'before': _V9, 'action': 'refuse_store_refs',
     'path': '*',
     'why': "'store' secrets need 2026.9"},
)

# Findings of `openclaw security audit` that no setting removes. `when`:
# always; deep_unpaired (a --deep run from a CLI that is not a paired operator
# device); suppressions (any security.audit.suppressions configured).
AUDIT_FLOOR = (
    {'checkId': 'summary.attack_surface', 'severity': 'info', 'when': 'always',
     'since': None, 'before': None,
     'reason': 'always emitted (an inventory of the attack surface)'},
    {'checkId': 'gateway.probe_failed', 'severity': 'warn', 'when': 'deep_unpaired',
     'since': None, 'before': None,
     'reason': 'the deep probe needs a running Gateway and a paired operator device; '
               'a shared token alone gets no operator.read scope'},
    {'checkId': 'config.insecure_or_dangerous_flags', 'severity': 'warn', 'when': 'suppressions',
     'since': None, 'before': None,
     'detail': 'security.audit.suppressions configured (%d)',
     'reason': 'security.audit.suppressions configured (%d): '
               'OpenClaw flags every configured suppression list'},
    {'checkId': 'security.audit.suppressions.active', 'severity': 'info', 'when': 'suppressions',
     'since': None, 'before': None,
     'reason': 'suppressions are active; this finding cannot be suppressed'},
)

# `openclaw doctor --lint` checks that no setting fixes, per version range.
DOCTOR_UNFIXABLE = (
    {'since': _V9, 'before': None, 'checks': {
        'core/doctor/heartbeat-cadence-migration':
            'cron-store state; only doctor --fix clears it, and that also rewrites the config',
        'core/doctor/node-hosting-preconditions':
            'a loopback bind is inherent to the hardened baseline',
    }},
    {'since': None, 'before': _V9, 'checks': {
        # Measured on 2026.6.5: it reports neither 2026.9 check, but one warning per bundled
        # skill whose binary is missing on the host; the list depends on the host, not on
        # openclaw.json, and varied between two identical runs.
        'core/doctor/skills-readiness':
            'bundled skills whose tools are not installed on the host; host state, not config, '
            'and not deterministic between runs on 2026.6.5',
    }},
)

_VERSION_RE = re.compile(r'^[vV]?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$')


def parse_version(text):
    """``'2026.9.6'`` -> ``(2026, 9, 6)``.

    A leading ``v`` and a suffix after ``-`` or ``+`` (``-beta.1``) are
    ignored; a missing patch number counts as 0. Raises ``ValueError``.
    """
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    if not isinstance(text, string_types):
        raise ValueError('an OpenClaw version must be a string such as 2026.9.6, got %r' % (text,))
    match = _VERSION_RE.match(text.strip())
    if not match:
        raise ValueError('%r is not an OpenClaw version (expected YEAR.MONTH.PATCH such as 2026.9.6)'
                         % (text,))
    return tuple(int(part or 0) for part in match.groups())


def _resolve(version):
    """``(version tuple, label, warning or None)``; unknown -> newest known."""
    if version is not None and not isinstance(version, string_types):
        version = str(version)
    try:
        parsed = parse_version(version)
    except ValueError:
        return (parse_version(NEWEST_KNOWN), NEWEST_KNOWN,
                'OpenClaw version unknown (%r): applied the rules for %s, the newest measured version'
                % (version, NEWEST_KNOWN))
    label = version.strip()
    if parsed > parse_version(NEWEST_KNOWN):
        return (parsed, label,
                'OpenClaw %s is newer than the newest measured version %s: its keys were not '
                'checked, validate will tell' % (label, NEWEST_KNOWN))
    if parsed < parse_version(OLDEST_KNOWN):
        return (parsed, label,
                'OpenClaw %s is older than the oldest measured version %s: its keys were not '
                'checked, validate will tell' % (label, OLDEST_KNOWN))
    return parsed, label, None


def _in_range(entry, parsed):
    since = entry.get('since')
    before = entry.get('before')
    if since and parsed < parse_version(since):
        return False
    if before and parsed >= parse_version(before):
        return False
    return True


def rules_for(version):
    """The rules that apply to ``version`` (unknown -> newest known)."""
    parsed = _resolve(version)[0]
    return [rule for rule in RULES if _in_range(rule, parsed)]


def _dotted_from(prefix, key):
    path = prefix + format_key(key)
    return path[1:] if path.startswith('.') else path


def _dotted(keys):
    path = ''
    for key in keys:
        path = _dotted_from(path, key)
    return path


def _matches(obj, pattern, _prefix=None):
    """``(keys, parent, key)`` for every key of ``obj`` matching ``pattern``."""
    prefix = _prefix or []
    head, rest = pattern[0], pattern[1:]
    if not isinstance(obj, Mapping):
        return []
    keys = list(obj.keys()) if head == '*' else ([head] if head in obj else [])
    found = []
    for key in keys:
        if rest:
            found.extend(_matches(obj[key], rest, prefix + [key]))
        else:
            found.append((prefix + [key], obj, key))
    return found


def _prune_empty(obj, keys):
    """Remove objects left empty on ``keys`` (deepest first) by a translation."""
    for depth in range(len(keys) - 1, 0, -1):
        parent = obj
        for key in keys[:depth - 1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and parent.get(keys[depth - 1]) == {}:
            del parent[keys[depth - 1]]
        else:
            break


def _place(obj, keys, value):
    current = obj
    for key in keys[:-1]:
        nxt = current.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            current[key] = nxt
        current = nxt
    current[keys[-1]] = value


class _Context(object):
    def __init__(self, label, fragment):
        self.label = label
        self.fragment = fragment
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def _dropped_text(rule, path, ctx):
    if rule.get('since'):
        return '%s dropped: OpenClaw %s no longer has it (%s)' % (path, ctx.label, rule['why'])
    return '%s dropped: OpenClaw %s does not have it (%s)' % (path, ctx.label, rule['why'])


def _apply_drop(rule, ctx):
    for keys, parent, key in _matches(ctx.fragment, rule['path'].split('.')):
        if parent[key] is None:
            continue
        del parent[key]
        _prune_empty(ctx.fragment, keys)
        ctx.warn(_dropped_text(rule, _dotted(keys), ctx))


def _apply_rename(rule, ctx, convert=None):
    keys = rule['path'].split('.')
    to_keys = rule['to'].split('.')
    for found, parent, key in _matches(ctx.fragment, keys):
        value = parent[key]
        if value is None:
            continue
        del parent[key]
        target_parent = ctx.fragment
        for step in to_keys[:-1]:
            target_parent = target_parent.get(step) if isinstance(target_parent, dict) else None
        if isinstance(target_parent, dict) and target_parent.get(to_keys[-1]) is not None:
            _prune_empty(ctx.fragment, found)
            ctx.warn('%s dropped: OpenClaw %s uses %s, which the fragment also sets (%s)'
                     % (_dotted(found), ctx.label, rule['to'], rule['why']))
            continue
        new_value, note = convert(value, _dotted(found)) if convert else (value, '')
        _place(ctx.fragment, to_keys, new_value)
        _prune_empty(ctx.fragment, found)
        ctx.warn('%s translated to %s%s for OpenClaw %s (%s)'
                 % (_dotted(found), rule['to'], note, ctx.label, rule['why']))


def _enabled_to_mode(value, path):
    if not isinstance(value, bool):
        raise ValueError('%s must be true or false, got %r' % (path, value))
    mode = 'auto' if value else 'off'
    return mode, ' = "%s"' % mode


def _mode_to_enabled(value, path):
    if value not in ('off', 'propose', 'auto'):
        raise ValueError('%s must be one of off, propose, auto, got %r' % (path, value))
    enabled = value != 'off'
    note = ' = %s' % ('true' if enabled else 'false')
    if value == 'propose':
        note += ' (2026.6 has no propose step: skills are made without asking)'
    return enabled, note


def _combine(base, extra):
    """Deep merge of two fragments that keeps ``null`` (delete) values."""
    result = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _combine(result[key], value)
        else:
            result[key] = value
    return result


def _apply_list_to_entries(rule, ctx):
    agents = ctx.fragment.get('agents')
    if not isinstance(agents, dict) or agents.get('list') is None:
        return
    roster = agents['list']
    if not isinstance(roster, list):
        raise ValueError('agents.list must be a list of objects with an id, got %r' % (roster,))
    entries = {}
    for index, item in enumerate(roster):
        if not isinstance(item, dict) or not isinstance(item.get('id'), string_types) or not item['id']:
            raise ValueError('agents.list[%d] has no id: OpenClaw %s keys agents by id '
                             '(agents.entries.<id>)' % (index, ctx.label))
        agent_id = item['id']
        if agent_id in entries:
            raise ValueError('agents.list holds the id %r twice' % (agent_id,))
        if item.get('$delete') is True:
            entries[agent_id] = None
            continue
        body = dict((k, v) for k, v in item.items() if k not in ('id', '$delete'))
        if body.get('default') is not None:
            del body['default']
            ctx.warn('agents.list%s.default dropped: OpenClaw %s no longer has it '
                     '(default markers are retired; set agents.ownership to "explicit")'
                     % (format_id(agent_id), ctx.label))
        entries[agent_id] = body
    del agents['list']
    existing = agents.get('entries')
    if isinstance(existing, dict):
        for agent_id, body in entries.items():
            if isinstance(body, dict) and isinstance(existing.get(agent_id), dict):
                existing[agent_id] = _combine(existing[agent_id], body)
            else:
                existing[agent_id] = body
    else:
        agents['entries'] = entries
    ctx.warn('agents.list translated to agents.entries.<id> for OpenClaw %s (%s)'
             % (ctx.label, rule['why']))


def _apply_entries_to_list(rule, ctx):
    agents = ctx.fragment.get('agents')
    if not isinstance(agents, dict) or agents.get('entries') is None:
        return
    entries = agents['entries']
    if not isinstance(entries, dict):
        raise ValueError('agents.entries must be an object keyed by agent id, got %r' % (entries,))
    roster = []
    for agent_id, body in entries.items():
        if body is None:
            roster.append({'id': agent_id, '$delete': True})
            continue
        if not isinstance(body, dict):
            raise ValueError('agents.entries%s must be an object, got %r'
                             % (format_key(agent_id), body))
        item = {'id': agent_id}
        item.update((k, v) for k, v in body.items() if k != 'id')
        roster.append(item)
    del agents['entries']
    existing = agents.get('list')
    agents['list'] = (existing if isinstance(existing, list) else []) + roster
    ctx.warn('agents.entries translated to agents.list for OpenClaw %s (%s)'
             % (ctx.label, rule['why']))


def _find_store(value, path, found):
    """Paths of 'store' SecretRefs and of 'store' secret providers."""
    if isinstance(value, Mapping):
        if is_secret_ref(value) and value['source'] == 'store':
            found.append(path)
            return
        for key, child in value.items():
            child_path = _dotted_from(path, key)
            if (path == 'secrets.providers' and isinstance(child, Mapping)
                    and child.get('source') == 'store'):
                found.append(child_path)
                continue
            _find_store(child, child_path, found)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if isinstance(child, Mapping) and isinstance(child.get('id'), string_types):
                segment = format_id(child['id'])
            else:
                segment = '[%d]' % index
            _find_store(child, path + segment, found)


def _apply_refuse_store(rule, ctx):
    found = []
    _find_store(ctx.fragment, '', found)
    if found:
        raise ValueError('%s: %s (this host runs OpenClaw %s); use an env, file or exec '
                         'SecretRef' % (', '.join(found), rule['why'], ctx.label))


_APPLY = {
    'drop': _apply_drop,
    'rename': _apply_rename,
    'workshop_enabled_to_mode': lambda rule, ctx: _apply_rename(rule, ctx, _enabled_to_mode),
    'workshop_mode_to_enabled': lambda rule, ctx: _apply_rename(rule, ctx, _mode_to_enabled),
    'agents_list_to_entries': _apply_list_to_entries,
    'agents_entries_to_list': _apply_entries_to_list,
    'refuse_store_refs': _apply_refuse_store,
}


def translate(fragment, version):
    """Turn a fragment into what OpenClaw ``version`` accepts.

    Returns ``(new_fragment, warnings)``; the input is never changed. An
    unknown or unparsable version gets the newest known version's rules and a
    warning. Raises ``ValueError`` for what cannot be translated (a 'store'
    SecretRef before 2026.9, an agent without an id, a wrong workshop value).
    """
    if fragment is None:
        fragment = {}
    if not isinstance(fragment, Mapping):
        raise TypeError('a config fragment must be an object, got %s' % type(fragment).__name__)
    parsed, label, version_warning = _resolve(version)
    ctx = _Context(label, plain_copy(fragment))
    if version_warning:
        ctx.warn(version_warning)
    for rule in RULES:
        if _in_range(rule, parsed):
            _APPLY[rule['action']](rule, ctx)
    return ctx.fragment, ctx.warnings


def has_key(version, dotted):
    """Whether a key the table knows about exists in ``version``.

    ``False`` when an applicable rule drops, renames or moves the key or one
    of its parents; ``True`` otherwise (keys the table does not know about are
    assumed to exist). An unknown version counts as the newest known.
    """
    keys = dotted.split('.')
    for rule in rules_for(version):
        if rule['action'] == 'refuse_store_refs':
            continue
        pattern = rule['path'].split('.')
        if len(keys) >= len(pattern) and all(p in ('*', k) for p, k in zip(pattern, keys)):
            return False
    return True


def agents_key(version):
    """``'entries'`` (2026.9 and newer) or ``'list'``: where the agent roster lives."""
    return 'entries' if _resolve(version)[0] >= parse_version(_V9) else 'list'


def audit_floor(version, deep=False, paired_operator=False, suppressions=0):
    """Findings of ``openclaw security audit`` that config cannot remove.

    ``suppressions`` is the number of ``security.audit.suppressions`` entries
    (a list is counted). Returns ``[{'checkId', 'severity', 'reason'}]``; the
    suppressions flag also carries ``detail``, the text OpenClaw puts in it.
    """
    parsed = _resolve(version)[0]
    if isinstance(suppressions, (list, tuple)):
        suppressions = len(suppressions)
    try:
        suppressions = int(suppressions or 0)
    except (TypeError, ValueError):
        raise ValueError('suppressions must be a count or a list, got %r' % (suppressions,))
    wanted = {
        'always': True,
        'deep_unpaired': bool(deep) and not paired_operator,
        'suppressions': suppressions > 0,
    }
    floor = []
    for entry in AUDIT_FLOOR:
        if not wanted[entry['when']] or not _in_range(entry, parsed):
            continue
        finding = {'checkId': entry['checkId'], 'severity': entry['severity'],
                   'reason': entry['reason']}
        if '%d' in finding['reason']:
            finding['reason'] = finding['reason'] % suppressions
        if 'detail' in entry:
            finding['detail'] = entry['detail'] % suppressions
        floor.append(finding)
    return floor


def doctor_unfixable(version):
    """``{checkId: reason}`` of ``openclaw doctor --lint`` checks no setting fixes."""
    parsed = _resolve(version)[0]
    result = {}
    for entry in DOCTOR_UNFIXABLE:
        if _in_range(entry, parsed):
            result.update(entry['checks'])
    return result
