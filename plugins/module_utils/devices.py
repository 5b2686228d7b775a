# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paired devices and pairing requests of a Gateway: reading, planning, checking.

Pure functions behind the ``openclaw_devices`` module; nothing here runs a
command. What ``openclaw devices list --json`` prints (measured on 2026.9.6
and 2026.6.5)::

    {"pending": [{requestId, deviceId, displayName?, platform, clientId, clientMode,
                  role, roles, scopes, isRepair, ts, ...}],
     "paired":  [{deviceId, displayName?, platform, clientId, clientMode, role, roles,
                  scopes, createdAtMs, approvedAtMs, approvedVia? (2026.9),
                  lastSeenAtMs? (after a connection), connected? (2026.9),
                  pendingNodeSurface? {requestId, ...} (2026.9),
                  tokens: [{role, scopes, createdAtMs, rotatedAtMs?}]}]}

``tokens`` holds metadata only; no token value is ever printed by ``list``.

:func:`make_plan` decides, for every paired device and pending request, what
the options ask for, and lists the actions in the order they are run;
:func:`verify` compares a listing taken after acting with the plan.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re

CONFIRM_CLEAR = 'clear all devices'

_DEVICE_ID = re.compile(r'^[0-9a-f]{64}$')
_SCOPE_UPGRADE = re.compile(r'scope upgrade pending approval \(requestId: ([0-9a-fA-F-]{36})\)')
_REASON_LINE = re.compile(r'^\[openclaw\] Reason: (.*)$', re.M)

# The role whose tokens manage the Gateway. A request for it from a device that
# is only in `allowed` is left for the operator: names are chosen by the device.
OPERATOR_ROLE = 'operator'
# How OpenClaw's own CLI presents itself when it pairs (2026.6.x pairs it silently).
CLI_CLIENT_ID = 'cli'
OWN_BY_CLIENT_ID = '<clientId cli>'


class DevicesError(ValueError):
    """The options or the CLI's output do not allow a safe plan; the text says what to do."""


# --------------------------------------------------------------------------
# Reading the listing
# --------------------------------------------------------------------------

def _str(value):
    if value is None:
        return None
    value = u'%s' % (value,)
    return value.strip() or None


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return None


def _roles(entry):
    roles = []
    for role in [entry.get('role')] + list(entry.get('roles') or []):
        role = _str(role)
        if role and role not in roles:
            roles.append(role)
    return roles


def short_id(device_id):
    return (device_id or '')[:12]


def label(entry):
    """``name (id12)``: how people and the returns name a device."""
    name = entry.get('display_name') or entry.get('client_id') or '(unnamed)'
    return u'%s (%s)' % (name, short_id(entry.get('device_id')))


def _token_times(entry):
    times = {}
    for token in entry.get('tokens') or []:
        if not isinstance(token, dict):
            continue
        role = _str(token.get('role'))
        if role:
            times[role] = _int(token.get('rotatedAtMs')) or _int(token.get('createdAtMs'))
    return times


def _identity(entry):
    """What a paired device and a pairing request both say about the device."""
    return {
        'display_name': _str(entry.get('displayName')),
        'client_id': _str(entry.get('clientId')),
        'client_mode': _str(entry.get('clientMode')),
        'platform': _str(entry.get('platform')),
        'roles': _roles(entry),
        'scopes': [s for s in (entry.get('scopes') or []) if isinstance(s, str)],
    }


def parse_listing(data):
    """Normalize the document of ``devices list --json``.

    Returns ``{'paired': [...], 'pending': [...]}`` with snake_case keys, and
    raises :class:`DevicesError` when the document is not such a listing.
    Token metadata is kept only as the time of each role's token.
    """
    if not isinstance(data, dict) or not isinstance(data.get('paired'), list) \
            or not isinstance(data.get('pending'), list):
        raise DevicesError('the output is not a device listing (expected a JSON object with '
                           '"pending" and "paired" lists)')
    paired = []
    for entry in data['paired']:
        if not isinstance(entry, dict) or not _str(entry.get('deviceId')):
            continue
        surface = entry.get('pendingNodeSurface')
        paired.append(dict(
            _identity(entry),
            device_id=_str(entry.get('deviceId')).lower(),
            created_at_ms=_int(entry.get('createdAtMs')),
            approved_at_ms=_int(entry.get('approvedAtMs')),
            last_seen_at_ms=_int(entry.get('lastSeenAtMs')),
            connected=entry.get('connected') if isinstance(entry.get('connected'), bool) else None,
            pending_node_surface=_str(surface.get('requestId')) if isinstance(surface, dict) else None,
            token_times=_token_times(entry),
        ))
    pending = []
    for entry in data['pending']:
        if not isinstance(entry, dict) or not _str(entry.get('requestId')):
            continue
        pending.append(dict(
            _identity(entry),
            request_id=_str(entry.get('requestId')),
            device_id=(_str(entry.get('deviceId')) or '').lower() or None,
            is_repair=bool(entry.get('isRepair')),
            requested_at_ms=_int(entry.get('ts')),
        ))
    return {'paired': paired, 'pending': pending}


# The device tables of the state database (2026.9; 2026.6 keeps no such tables).
STORE_PAIRED = 'SELECT * FROM device_pairing_paired'
STORE_PENDING = 'SELECT * FROM device_pairing_pending'


def _json_field(row, column, default):
    text = row.get(column)
    if text in (None, ''):
        return default
    try:
        return json.loads(text)
    except ValueError:
        raise DevicesError('column %s of the device tables is not JSON' % column)


def listing_from_store(paired_rows, pending_rows):
    """The rows of the state database's device tables as ``devices list --json`` prints them.

    Measured on 2026.9.6, where the CLI's listing is these rows plus the live
    ``connected`` flag, which the database does not hold (it stays unknown
    here, and an unknown device counts as not connected). Token values are
    dropped; only each role's token times are kept, as the CLI shows them.
    """
    paired = []
    for row in paired_rows:
        tokens = _json_field(row, 'tokens_json', {})
        tokens = list(tokens.values()) if isinstance(tokens, dict) else tokens
        surface = _json_field(row, 'pending_node_surface_json', None)
        paired.append({
            'deviceId': row.get('device_id'), 'displayName': row.get('display_name'),
            'platform': row.get('platform'), 'clientId': row.get('client_id'), 'clientMode': row.get('client_mode'),
            'role': row.get('role'), 'roles': _json_field(row, 'roles_json', []),
            'scopes': _json_field(row, 'scopes_json', []),
            'createdAtMs': row.get('created_at_ms'), 'approvedAtMs': row.get('approved_at_ms'),
            'lastSeenAtMs': row.get('last_seen_at_ms'),
            'pendingNodeSurface': surface if isinstance(surface, dict) else None,
            'tokens': [dict((k, v) for k, v in token.items() if k != 'token')
                       for token in tokens or [] if isinstance(token, dict)],
        })
    pending = []
    for row in pending_rows:
        pending.append({
            'requestId': row.get('request_id'), 'deviceId': row.get('device_id'),
            'displayName': row.get('display_name'), 'platform': row.get('platform'),
            'clientId': row.get('client_id'), 'clientMode': row.get('client_mode'),
            'role': row.get('role'), 'roles': _json_field(row, 'roles_json', []),
            'scopes': _json_field(row, 'scopes_json', []),
            'isRepair': bool(row.get('is_repair')), 'ts': row.get('ts'),
        })
    return {'paired': paired, 'pending': pending}


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------

def is_device_id(selector):
    return bool(_DEVICE_ID.match((selector or '').strip().lower()))


def _clean(selectors, option):
    cleaned = []
    for selector in selectors or []:
        text = _str(selector)
        if not text:
            raise DevicesError('%s holds an empty entry; give device ids (64 hex characters, from '
                               '`openclaw devices list`) or display names.' % option)
        cleaned.append(text.lower() if is_device_id(text) else text)
    return cleaned


def check_options(params):
    """Refuse bad option values before anything runs; returns cleaned copies.

    ``params`` holds the module's options. Raises :class:`DevicesError` naming
    the option and the fix.
    """
    if params.get('clear') and params.get('confirm_clear') != CONFIRM_CLEAR:
        raise DevicesError(
            'clear=true removes every paired device except the operator devices and rejects every '
            'pending request; it runs only with confirm_clear set to exactly "%s". Set confirm_clear '
            'to that text to clear, or set clear=false. Nothing was changed.' % CONFIRM_CLEAR)
    if params.get('stale_after_seconds') is not None and params['stale_after_seconds'] < 0:
        raise DevicesError('stale_after_seconds must be 0 (off) or a positive number of seconds.')
    if params.get('timeout') is not None and params['timeout'] <= 0:
        raise DevicesError('timeout must be a positive number of seconds.')
    rotate = []
    for index, item in enumerate(params.get('rotate') or []):
        if not isinstance(item, dict):
            raise DevicesError('rotate[%d] must be a dict {device: <id or name>, role: <role>}.' % index)
        unknown = sorted(set(item) - set(['device', 'role']))
        if unknown:
            raise DevicesError('rotate[%d] has unknown key(s) %s; each entry takes device and role only.'
                               % (index, ', '.join(unknown)))
        device, role = _str(item.get('device')), _str(item.get('role'))
        if not device or not role:
            raise DevicesError('rotate[%d] needs both device (id or display name of a paired device) and '
                               'role (for example node or operator).' % index)
        rotate.append({'device': device.lower() if is_device_id(device) else device, 'role': role})
    return {
        'allowed': _clean(params.get('allowed'), 'allowed'),
        'operator_devices': _clean(params.get('operator_devices'), 'operator_devices'),
        'rotate': rotate,
    }


def matches(entry, selector):
    if is_device_id(selector):
        return entry.get('device_id') == selector
    return entry.get('display_name') == selector


def _match_any(entry, selectors):
    """The selector that fits ``entry``; an id before a name, since names are chosen by the devices."""
    for selector in sorted(selectors, key=lambda item: not is_device_id(item)):
        if matches(entry, selector):
            return selector
    return None


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------

def iso_time(ms):
    if ms is None:
        return None
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def _duration(seconds):
    if seconds >= 2 * 86400:
        return '%d days' % (seconds // 86400)
    if seconds >= 2 * 3600:
        return '%d hours' % (seconds // 3600)
    if seconds >= 120:
        return '%d minutes' % (seconds // 60)
    return '%d seconds' % seconds


def last_activity_ms(device):
    for key in ('last_seen_at_ms', 'approved_at_ms', 'created_at_ms'):
        if device.get(key) is not None:
            return device[key]
    return None


def is_own(entry, own):
    """Whether ``entry`` is the device of the CLI on this host.

    ``own`` is the CLI's device id, None when the CLI has no device identity
    (2026.9.x talks to the Gateway with the shared token only), or
    :data:`OWN_BY_CLIENT_ID` when its identity file exists but cannot be read:
    then any device presenting itself as the CLI is spared, since removing
    this host's own would cut the CLI off from the Gateway.
    """
    if own == OWN_BY_CLIENT_ID:
        return entry.get('client_id') == CLI_CLIENT_ID and entry.get('client_mode') in (None, CLI_CLIENT_ID)
    return bool(own) and entry.get('device_id') == own


def _paired_row(device, decision, reason, now_ms):
    seen = last_activity_ms(device)
    return {
        'device_id': device['device_id'],
        'display_name': device.get('display_name'),
        'client_id': device.get('client_id'),
        'platform': device.get('platform'),
        'roles': list(device.get('roles') or []),
        'scopes': list(device.get('scopes') or []),
        'approved_at': iso_time(device.get('approved_at_ms')),
        'last_seen_at': iso_time(device.get('last_seen_at_ms')),
        'idle_seconds': max(0, (now_ms - seen) // 1000) if seen is not None else None,
        'connected': device.get('connected'),
        'pending_node_surface': device.get('pending_node_surface'),
        'decision': decision,
        'reason': reason,
    }


def _pending_row(request, decision, reason):
    return {
        'request_id': request['request_id'],
        'device_id': request.get('device_id'),
        'display_name': request.get('display_name'),
        'client_id': request.get('client_id'),
        'roles': list(request.get('roles') or []),
        'is_repair': request.get('is_repair', False),
        'decision': decision,
        'reason': reason,
    }


def _action(action, entry, reason, request_id=None, role=None):
    return {
        'action': action,
        'device_id': entry.get('device_id') if entry else None,
        'display_name': entry.get('display_name') if entry else None,
        'client_id': entry.get('client_id') if entry else None,
        'request_id': request_id,
        'role': role,
        'reason': reason,
    }


def _standing(entry, opts, own_device_id):
    """Who a paired device or a request belongs to, the same way for both.

    Returns ``('operator', match)`` for the operator's own devices (``match`` is
    None for this host's CLI device), else ``('clear' or None, allowed)`` where
    ``allowed`` is the ``allowed`` entry it matches, or None.
    """
    operator = _match_any(entry, opts['operator_devices'])
    if operator is not None:
        return 'operator', operator
    if is_own(entry, own_device_id):
        return 'operator', None
    return ('clear' if opts['clear'] else None), _match_any(entry, opts['allowed'])


def _operator_reason(match, own_reason):
    return 'listed in operator_devices (%s)' % match if match is not None else own_reason


def _decide_paired(device, opts, own_device_id, now_ms):
    standing, allowed = _standing(device, opts, own_device_id)
    if standing == 'operator':
        return 'operator', _operator_reason(allowed, "this host's own OpenClaw CLI (its operator device is never "
                                                     "removed)"), False
    if standing == 'clear':
        return 'remove', 'clear=true removes every device that is not an operator device', allowed is None
    stale = opts['stale_after_seconds']
    seen = last_activity_ms(device)
    if stale and device.get('connected') is not True and seen is not None and now_ms - seen > stale * 1000:
        what = 'last seen' if device.get('last_seen_at_ms') is not None else 'never seen; approved'
        return ('remove', '%s %s ago, longer than stale_after_seconds=%d'
                % (what, _duration((now_ms - seen) // 1000), stale), allowed is None)
    if allowed is not None:
        return 'keep', 'listed in allowed (%s)' % allowed, False
    if opts['remove_unknown']:
        return 'remove', 'unknown: not in allowed or operator_devices', True
    return 'keep', 'unknown, kept because remove_unknown=false', True


def _decide_pending(request, opts, own_device_id, paired):
    standing, allowed = _standing(request, opts, own_device_id)
    if standing == 'operator':
        return 'approve', _operator_reason(allowed, "this host's own OpenClaw CLI asks for more scopes"), False
    if standing == 'clear':
        return 'reject', 'clear=true rejects every request that is not from an operator device', allowed is None
    if allowed is not None:
        if OPERATOR_ROLE in request.get('roles', []):
            return ('leave', 'asks for the operator role; only operator_devices are approved for it '
                    '(add its id to operator_devices if it is yours)', False)
        if not is_device_id(allowed):
            # A display name is chosen by the device itself: another device
            # using the name of one already paired is not approved by name.
            twins = [d for d in paired if d.get('display_name') == allowed
                     and d['device_id'] != request.get('device_id')]
            if twins:
                return ('leave', 'has the display name of paired device %s but another id; approve it by id '
                        '(add %s to allowed) if it is yours' % (label(twins[0]), request.get('device_id')), False)
        return 'approve', 'listed in allowed (%s)' % allowed, False
    if opts['reject_unknown']:
        return 'reject', 'unknown: not in allowed or operator_devices', True
    return 'leave', 'unknown, left pending because reject_unknown=false', True


def _resolve_rotation(item, paired, decisions):
    selector = item['device']
    found = [device for device in paired if matches(device, selector)]
    if not found:
        raise DevicesError('rotate: no paired device matches %r. Give the id or display name of a paired '
                           'device (see the paired list of `openclaw devices list`).' % selector)
    if len(found) > 1:
        raise DevicesError('rotate: %r matches %d paired devices (%s); give the device id instead.'
                           % (selector, len(found), ', '.join(label(d) for d in found)))
    device = found[0]
    if decisions[device['device_id']] == 'remove':
        raise DevicesError('rotate: %s is also to be removed in this run; drop it from rotate or keep the '
                           'device (allowed, stale_after_seconds, clear).' % label(device))
    if item['role'] not in device['roles']:
        raise DevicesError('rotate: %s holds the role(s) %s, not %r; a token can be rotated only for a '
                           'role the device holds.' % (label(device), ', '.join(device['roles']) or 'none',
                                                       item['role']))
    return device


def make_plan(listing, options, now_ms, own_device_id=None):
    """What to do with each device and request.

    ``listing`` comes from :func:`parse_listing`; ``options`` holds allowed,
    operator_devices and rotate (cleaned by :func:`check_options`),
    reject_unknown, remove_unknown, stale_after_seconds and clear.
    ``own_device_id`` names the CLI's own device on this host (see :func:`is_own`).
    Raises :class:`DevicesError` for a rotation that cannot be done.
    """
    opts = dict(options)
    paired_rows, pending_rows, unknown = [], [], []
    decisions = {}
    for device in listing['paired']:
        decision, reason, is_unknown = _decide_paired(device, opts, own_device_id, now_ms)
        decisions[device['device_id']] = decision
        paired_rows.append(_paired_row(device, decision, reason, now_ms))
        if is_unknown:
            unknown.append(label(device))
    leaving = set(device_id for device_id, decision in decisions.items() if decision == 'remove')
    for request in listing['pending']:
        decision, reason, is_unknown = _decide_pending(request, opts, own_device_id, listing['paired'])
        if decision == 'approve' and request.get('device_id') in leaving:
            # Approving would pair again the device this run removes.
            decision, reason = 'reject', 'its device is removed in this run (%s)' % [
                row['reason'] for row in paired_rows if row['device_id'] == request['device_id']][0]
        pending_rows.append(_pending_row(request, decision, reason))
        if is_unknown and label(request) not in unknown:
            unknown.append(label(request))

    rotations = []
    for item in opts.get('rotate') or []:
        device = _resolve_rotation(item, listing['paired'], decisions)
        rotations.append((device, item['role']))

    # The CLI's own request for more scopes (OpenClaw 2026.6 files one on many
    # calls) is approved only when this run needs them: to approve another
    # device or rotate a token. Otherwise it is left alone, so a no-change run
    # stays one.
    own_requests = [row for row in pending_rows
                    if row['decision'] == 'approve' and is_own({'device_id': row['device_id']}, own_device_id)]
    if own_requests and not rotations and len(own_requests) == len(
            [row for row in pending_rows if row['decision'] == 'approve']):
        for row in own_requests:
            row['decision'] = 'leave'
            row['reason'] = "this host's own OpenClaw CLI asks for more scopes; this run needs none"

    protected = [row for row in paired_rows if row['decision'] == 'operator']
    approvals = [row for row in pending_rows if row['decision'] == 'approve']
    rejections = [row for row in pending_rows if row['decision'] == 'reject']
    removals = [row for row in paired_rows if row['decision'] == 'remove']

    actions = []
    if opts.get('clear') and not protected and not approvals and (removals or rejections):
        # Nothing to spare: one call clears the table (and, with --pending, the requests).
        actions.append({'action': 'clear', 'device_id': None, 'display_name': None, 'client_id': None,
                        'request_id': None, 'role': None, 'pending': bool(rejections),
                        'reason': 'clear=true and no operator device is paired or pending'})
    else:
        for row in rejections:
            actions.append(_action('reject', row, row['reason'], request_id=row['request_id']))
        for row in removals:
            actions.append(_action('remove', row, row['reason']))
    for row in approvals:
        actions.append(_action('approve', row, row['reason'], request_id=row['request_id']))
    for device, role in rotations:
        actions.append(_action('rotate', device, 'requested in rotate', role=role))

    unmatched = []
    everything = listing['paired'] + listing['pending']
    for option in ('operator_devices', 'allowed'):
        for selector in opts[option]:
            if not any(matches(entry, selector) for entry in everything):
                unmatched.append(selector)

    return {
        'paired': paired_rows,
        'pending': pending_rows,
        'actions': actions,
        'kept': [label(row) for row in paired_rows if row['decision'] in ('keep', 'operator')],
        'removed': [label(row) for row in removals],
        'approved': [label(row) for row in approvals],
        'rejected': [label(row) for row in rejections],
        'rotated': [u'%s %s' % (label(device), role) for device, role in rotations],
        'unknown': unknown,
        'unmatched': unmatched,
        'node_surfaces': [(label(row), row['pending_node_surface']) for row in paired_rows
                          if row['pending_node_surface'] and row['decision'] != 'remove'],
    }


def name_warnings(listing, options):
    """Display names in allowed/operator_devices that fit more than one device."""
    warnings = []
    for option in ('operator_devices', 'allowed'):
        for selector in options[option]:
            if is_device_id(selector):
                continue
            found = [d for d in listing['paired'] if d.get('display_name') == selector]
            if len(found) > 1:
                warnings.append('%s entry %r fits %d paired devices (%s); display names are chosen by the '
                                'devices themselves, so list the device ids instead.'
                                % (option, selector, len(found), ', '.join(label(d) for d in found)))
    return warnings


# --------------------------------------------------------------------------
# After acting
# --------------------------------------------------------------------------

def expected_state(listing, plan):
    """The listing as it should look once the plan is done (for check mode and the diff)."""
    removed = set(row['device_id'] for row in plan['paired'] if row['decision'] == 'remove')
    gone = set(row['request_id'] for row in plan['pending'] if row['decision'] in ('approve', 'reject'))
    paired = [dict(d) for d in listing['paired'] if d['device_id'] not in removed]
    known = set(d['device_id'] for d in paired)
    for request in listing['pending']:
        row = [r for r in plan['pending'] if r['request_id'] == request['request_id']][0]
        if row['decision'] == 'approve' and request.get('device_id') and request['device_id'] not in known:
            paired.append({'device_id': request['device_id'], 'display_name': request.get('display_name'),
                           'client_id': request.get('client_id'), 'platform': request.get('platform'),
                           'roles': list(request.get('roles') or []), 'scopes': [], 'connected': None,
                           'last_seen_at_ms': None, 'approved_at_ms': None, 'created_at_ms': None,
                           'pending_node_surface': None, 'token_times': {}})
            known.add(request['device_id'])
    pending = [dict(r) for r in listing['pending'] if r['request_id'] not in gone]
    return {'paired': paired, 'pending': pending}


def verify(after, plan, done, rotated_at=None):
    """Compare the listing taken after acting with what was done.

    ``done`` lists the actions that ran; ``rotated_at`` maps
    ``(device_id, role)`` to the ``rotatedAtMs`` the rotate call returned.
    Returns ``(problems, notes)``: problems mean the Gateway does not hold
    what was planned; notes are changes made by others meanwhile.
    """
    rotated_at = rotated_at or {}
    paired = dict((d['device_id'], d) for d in after['paired'])
    pending = set(r['request_id'] for r in after['pending'])
    problems, notes = [], []
    for action in done:
        kind = action['action']
        if kind == 'remove' and action['device_id'] in paired:
            problems.append('%s is paired again after its removal' % label(action))
        elif kind == 'reject' and action['request_id'] in pending:
            problems.append('the request %s of %s is still pending after its rejection'
                            % (action['request_id'], label(action)))
        elif kind == 'approve':
            if action['request_id'] in pending:
                problems.append('the request %s of %s is still pending after its approval'
                                % (action['request_id'], label(action)))
            elif action['device_id'] and action['device_id'] not in paired:
                problems.append('%s is not paired after its request was approved' % label(action))
        elif kind == 'rotate':
            device = paired.get(action['device_id'])
            if device is None:
                problems.append('%s is no longer paired after its token rotation' % label(action))
                continue
            when = device['token_times'].get(action['role'])
            expected = rotated_at.get((action['device_id'], action['role']))
            if expected is not None and when is not None and when < expected:
                problems.append('the %s token of %s does not show the rotation' % (action['role'], label(action)))
        elif kind == 'clear':
            for row in plan['paired']:
                if row['decision'] == 'remove' and row['device_id'] in paired:
                    problems.append('%s is paired again after the clear' % label(row))
            if action.get('pending'):
                for row in plan['pending']:
                    if row['decision'] == 'reject' and row['request_id'] in pending:
                        problems.append('the request %s of %s is still pending after the clear'
                                        % (row['request_id'], label(row)))
    for row in plan['paired']:
        if row['decision'] in ('keep', 'operator') and row['device_id'] not in paired:
            notes.append('%s was to be kept but is no longer paired (removed by someone else?)' % label(row))
    planned_devices = set(row['device_id'] for row in plan['paired'])
    planned_devices.update(row['device_id'] for row in plan['pending'])
    planned_requests = set(row['request_id'] for row in plan['pending'])
    for device in after['paired']:
        if device['device_id'] not in planned_devices:
            notes.append('%s was paired while this ran; run again to review it' % label(device))
    for request in after['pending']:
        if request['request_id'] not in planned_requests and request.get('device_id') not in \
                set(a['device_id'] for a in done if a['action'] in ('remove', 'clear', 'reject')):
            notes.append('%s asked to pair while this ran; run again to review it' % label(request))
    return problems, notes


# --------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------

def failure(rc, data, stdout, stderr):
    """Classify a failed CLI call: ``{'kind', 'detail', 'request_id'}``.

    Kinds: ``unreachable``, ``unauthorized``, ``token_unresolved``,
    ``scope_upgrade`` (2026.6.x: the CLI's own device must first be granted
    ``operator.admin``; ``request_id`` is that request), ``rotation_denied``,
    ``unknown_request``, ``unknown_device``, ``refused``, ``other``.
    2026.9.x prints ``{"ok": false, "error": {...}}`` on stdout for most
    failures; 2026.6.x (and both for some) print only text on stderr.
    """
    detail = ''
    error = data.get('error') if isinstance(data, dict) else None
    if isinstance(error, dict):
        detail = _str(error.get('message')) or _str(error.get('reason')) or ''
    if not detail:
        reason = _REASON_LINE.search(stderr or '')
        if reason:
            detail = reason.group(1).strip()
    if not detail:
        lines = [line.strip() for line in (stderr or stdout or '').splitlines() if line.strip()]
        detail = lines[0] if lines else 'no output (exit code %s)' % rc
    detail = u' '.join(detail.split())
    text = u'%s\n%s\n%s' % (detail, stdout or '', stderr or '')
    upgrade = _SCOPE_UPGRADE.search(text)
    lowered = text.lower()
    if upgrade:
        kind = 'scope_upgrade'
    elif 'unauthorized' in lowered or 'token mismatch' in lowered or 'password mismatch' in lowered:
        kind = 'unauthorized'
    elif 'secret reference but is unavailable' in lowered:
        kind = 'token_unresolved'
    elif (isinstance(error, dict) and error.get('type') == 'gateway_transport_error') \
            or 'econnrefused' in lowered or 'not reachable' in lowered or 'abnormal closure' in lowered:
        kind = 'unreachable'
    elif 'rotation denied' in lowered or 'revocation denied' in lowered:
        kind = 'rotation_denied'
    elif 'unknown requestid' in lowered or 'no pending device request matches' in lowered:
        kind = 'unknown_request'
    elif 'unknown deviceid' in lowered:
        kind = 'unknown_device'
    elif 'refusing' in lowered:
        kind = 'refused'
    else:
        kind = 'other'
    return {'kind': kind, 'detail': detail, 'request_id': upgrade.group(1).lower() if upgrade else None}


# --------------------------------------------------------------------------
# Diff
# --------------------------------------------------------------------------

def table(listing, rotated=None):
    """Plain-text table of a listing, for the diff (no token, no key)."""
    rotated = rotated or {}
    lines = ['paired (%d):' % len(listing['paired'])]
    for device in sorted(listing['paired'], key=lambda d: (d.get('display_name') or '', d['device_id'])):
        # The day only: the time moves on every connection (the CLI's own device
        # on each call), which would make every diff show every device.
        seen = (iso_time(device.get('last_seen_at_ms')) or '')[:10]
        parts = [label(device), ','.join(device.get('roles') or []) or '-', device.get('platform') or '-',
                 'last seen %s' % seen if seen else 'never seen']
        if device.get('connected'):
            parts.append('connected')
        if device['device_id'] in rotated:
            parts.append('%s token rotated' % ','.join(rotated[device['device_id']]))
        lines.append('  ' + '  '.join(parts))
    lines.append('pending (%d):' % len(listing['pending']))
    for request in sorted(listing['pending'], key=lambda r: (r.get('display_name') or '', r['request_id'])):
        roles = ','.join(request.get('roles') or []) or '-'
        lines.append('  %s  %s  request %s' % (label(request), roles, request['request_id']))
    return '\n'.join(lines) + '\n'
