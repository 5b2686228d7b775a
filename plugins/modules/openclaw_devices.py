#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_devices
short_description: Bring a Gateway's paired devices and pairing requests to a desired state
version_added: 1.0.0
description:
  - Lists the paired devices and pending pairing requests of a running OpenClaw Gateway with
    C(openclaw devices list --json), decides for each what the options ask for, and carries it out with
    C(openclaw devices approve), C(reject), C(remove), C(clear) and C(rotate) (hardening guide, section 9).
  - Pending requests from O(operator_devices) and O(allowed) devices are approved, other requests are
    rejected (O(reject_unknown)); paired devices that are neither listed nor this host's own CLI are removed
    (O(remove_unknown)), and so are devices not seen for longer than O(stale_after_seconds).
  - Operator devices are never removed or rejected, and neither is the device of the OpenClaw CLI on this
    host (OpenClaw 2026.6.x pairs its CLI as an operator device; its id is read from
    C(<state_dir>/identity/device.json)).
  - The listing is taken right before acting, so only the requests seen now are approved. After acting
    the module lists again and fails when the Gateway does not hold what was planned (for example a
    removed node host that paired again by itself).
  - A run with nothing to do starts no Node at all where it can tell so without the CLI (O(listing_source));
    it reads the paired devices and pending requests from the state database read-only, plans on them,
    and when there is nothing to do and the Gateway listens on its port, it is done. Anything to do, and
    anything it cannot read, is left to the CLI's own listing, taken right before acting; a run with nothing
    to do then makes exactly one CLI call, the listing.
  - No token is ever returned, logged or put in the diff; the CLI's listing holds token metadata only and
    the module keeps just the time of each role's token.
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  url:
    description:
      - Gateway WebSocket URL, passed as C(--url).
      - When unset, the CLI uses its own (from C(gateway.remote.url) or the local C(gateway.port)).
    type: str
  token:
    description:
      - Gateway token, passed as C(--token).
      - When unset, the CLI resolves C(gateway.auth.token) from the config itself, including the file
        SecretRef the gateway role writes (measured on 2026.9.6 and 2026.6.5); that is preferred, since a
        token given here is on the CLI's command line while each call runs.
      - Never returned, logged or shown in messages.
    type: str
  allowed:
    description:
      - Device ids (64 hex characters, from C(openclaw devices list)) or display names of devices to keep.
        Their pending requests are approved.
      - A display name is chosen by the device itself. A request whose name is that of an already paired
        device with another id is not approved by name, and a request for the C(operator) role is approved
        only for O(operator_devices); both are left pending with the reason. Prefer ids.
    type: list
    elements: str
    default: []
  operator_devices:
    description:
      - Ids or display names of the operator's own devices. They are never removed or rejected (not even by
        O(clear) or O(stale_after_seconds)), and their pending requests are approved.
    type: list
    elements: str
    default: []
  reject_unknown:
    description: Reject pending requests from devices in neither O(allowed) nor O(operator_devices).
    type: bool
    default: true
  remove_unknown:
    description: Remove paired devices in neither O(allowed) nor O(operator_devices).
    type: bool
    default: true
  stale_after_seconds:
    description:
      - Remove paired devices, O(allowed) ones too, that were not seen for longer than this many seconds
        (C(lastSeenAtMs), else the approval or creation time). A device connected right now is never stale.
        Operator devices are never removed.
      - V(0) turns this off.
    type: int
    default: 0
  clear:
    description:
      - Remove every paired device and reject every pending request, except the operator devices and this
        host's own CLI (the guide's answer to a leaked token or a compromised device; rotate the Gateway
        token afterwards and pair the known devices again).
      - Runs only with O(confirm_clear) set to V(clear all devices); otherwise the module fails before
        acting.
      - When no operator device is paired or pending, one C(openclaw devices clear --yes [--pending]) call
        does it; otherwise devices are removed and requests rejected one by one.
    type: bool
    default: false
  confirm_clear:
    description: Must be exactly V(clear all devices) for O(clear=true) to act.
    type: str
  rotate:
    description:
      - Tokens to rotate with C(openclaw devices rotate --device <id> --role <role>). Rotation is done on
        request, so it always reports a change. The new token is never returned.
      - OpenClaw 2026.6.x denies rotating another device's token from the CLI; only a device's own
        C(operator) token can be rotated there.
    type: list
    elements: dict
    default: []
    suboptions:
      device:
        description: Id or display name of a paired device.
        type: str
        required: true
      role:
        description: The role whose token is rotated; the device must hold it (for example V(node) or V(operator)).
        type: str
        required: true
  listing_source:
    description:
      - V(auto) first reads the device tables of C(<state_dir>/state/openclaw.sqlite) read-only (OpenClaw
        2026.9.x keeps its pairing state there) and plans on them; only when that plan has nothing to do and
        the Gateway listens on C(gateway.port) (read from O(config_path)) does it return without a CLI call
        (RV(listing_source=state database)), with the same warnings. Otherwise,
        and always with O(url), O(clear) or O(rotate), or on a version without those tables, it lists with
        the CLI as V(cli) does.
      - The database does not hold whether a device is connected right now, so a device that looks stale
        there is judged by the CLI's listing before anything is removed.
      - V(cli) always lists with C(openclaw devices list --json).
    type: str
    choices: [auto, cli]
    default: auto
  require_gateway:
    description:
      - When the Gateway cannot be reached (not running, wrong port, token reference that does not resolve),
        fail with what to check.
      - V(false) returns RV(reachable=false) and RV(changed=false) with a warning instead (a host whose
        Gateway is not installed or not started yet). A token the Gateway refuses always fails.
    type: bool
    default: true
  timeout:
    description: Seconds after which one CLI call is stopped and the module fails.
    type: int
    default: 60
attributes:
  check_mode:
    support: full
    description: Lists the devices and returns the plan (the same returns as a real run); acts on nothing.
  diff_mode:
    support: full
    description: The diff shows the device table before and after (planned after, in check mode) as text.
notes:
  - The module needs a running Gateway; each call starts the CLI (about 1.5-4 s on 2026.9.6 and 5-12 s on
    2026.6.5 on a busy 2-CPU machine).
  - OpenClaw 2026.9.x pairs a node host on the Gateway's own machine silently while
    C(gateway.nodes.pairing.autoApproveLocal) is true (its default), and 2026.6.x always does; such a
    removed node host pairs again within seconds while it runs, and the module then fails. Stop the node host
    (or set C(autoApproveLocal) to false on 2026.9.x, as the devices role does) and run again.
  - After its first approval, a node's command surface needs a second approval with
    C(openclaw nodes approve <requestId>); the module reports it (RV(paired[].pending_node_surface) and a
    warning) and does not approve it.
  - On OpenClaw 2026.6.x the CLI's own device first holds only C(operator.pairing); its first approval asks
    the Gateway for C(operator.admin), which waits as a pairing request of that device. The module then
    approves that request (it is this host's own CLI) and retries, and lists it in RV(actions). Such a request
    that is already pending is approved only in a run that approves another device or rotates a token;
    otherwise it is left alone (OpenClaw 2026.6 files one on many CLI calls, and reject and remove work
    without it), so a no-change run stays one.
seealso:
  - module: clawfleet.openclaw.openclaw_audit
'''

EXAMPLES = r'''
- name: Review devices (report only)
  clawfleet.openclaw.openclaw_devices:
    home: /home/openclaw
    allowed:
      - 6ffe6f7d330771446a35f18716cd4420044826f568035e775cbd7f37ad5e4c8e
      - alice-laptop
    operator_devices:
      - 85e0ff726b6b3c53e170add044960dd391cfb5f695e19916a93eca466bbb0c15
  check_mode: true
  register: devices_review

- name: Show unknown devices
  ansible.builtin.debug:
    var: devices_review.unknown

- name: Keep only known devices, remove those idle for 30 days
  clawfleet.openclaw.openclaw_devices:
    home: /home/openclaw
    allowed: "{{ openclaw_devices_allowed }}"
    operator_devices: "{{ openclaw_devices_operator }}"
    stale_after_seconds: 2592000

- name: Rotate a node's token
  clawfleet.openclaw.openclaw_devices:
    home: /home/openclaw
    allowed: [alice-laptop]
    rotate:
      - device: alice-laptop
        role: node

- name: A device may be compromised - clear everything but the operator's devices
  clawfleet.openclaw.openclaw_devices:
    home: /home/openclaw
    operator_devices: [85e0ff726b6b3c53e170add044960dd391cfb5f695e19916a93eca466bbb0c15]
    clear: true
    confirm_clear: clear all devices
'''

RETURN = r'''
listing_source:
  description:
    - Where the devices were listed from, V(cli) (C(openclaw devices list --json)) or V(state database) (a
      no-change run read from C(state/openclaw.sqlite), no Node started); see O(listing_source).
  returned: always
  type: str
  sample: state database
changed:
  description: Whether anything was (or, in check mode, would be) approved, rejected, removed, cleared or rotated.
  returned: always
  type: bool
  sample: true
reachable:
  description: Whether the Gateway answered the listing. False only with O(require_gateway=false).
  returned: always
  type: bool
  sample: true
version:
  description: Installed OpenClaw version (from its C(package.json)), or null when it cannot be read.
  returned: always
  type: str
  sample: 2026.9.6
paired:
  description: The paired devices as listed before acting, each with the decision taken.
  returned: always
  type: list
  elements: dict
  contains:
    device_id:
      description: The device id (64 hex characters).
      type: str
    display_name:
      description: The name the device gave itself; null when it gave none (the CLI's device).
      type: str
    client_id:
      description: What kind of client paired (C(node-host), C(cli), ...).
      type: str
    platform:
      description: The device's platform (C(linux), ...).
      type: str
    roles:
      description: The device's roles (C(node), C(operator)).
      type: list
      elements: str
    scopes:
      description: The device's operator scopes.
      type: list
      elements: str
    approved_at:
      description: When the device was approved (UTC, ISO 8601), or null.
      type: str
    last_seen_at:
      description: When the device last connected (UTC, ISO 8601), or null when it never did.
      type: str
    idle_seconds:
      description: Seconds since it was last seen (else approved or created); null when unknown.
      type: int
    connected:
      description:
        - Whether it is connected now; null when the version does not say (2026.6.x) or the listing came from
          the state database.
      type: bool
    pending_node_surface:
      description:
        - Request id of the node's command surface awaiting C(openclaw nodes approve) (2026.9.x), or null.
      type: str
    decision:
      description: V(keep), V(operator) (never removed) or V(remove).
      type: str
    reason:
      description: Why.
      type: str
  sample:
    - device_id: 6ffe6f7d330771446a35f18716cd4420044826f568035e775cbd7f37ad5e4c8e
      display_name: alice-laptop
      client_id: node-host
      platform: linux
      roles: [node]
      scopes: []
      approved_at: '2026-11-30T07:56:42Z'
      last_seen_at: '2026-11-30T07:57:39Z'
      idle_seconds: 41
      connected: true
      pending_node_surface: 65883ce9-3a34-4acf-8984-676d83fe8f55
      decision: keep
      reason: listed in allowed (alice-laptop)
pending:
  description: The pending pairing requests as listed before acting, each with the decision taken.
  returned: always
  type: list
  elements: dict
  contains:
    request_id:
      description: The request id (UUID).
      type: str
    device_id:
      description: The id of the device asking.
      type: str
    display_name:
      description: The name the device gave itself.
      type: str
    client_id:
      description: What kind of client asks.
      type: str
    roles:
      description: The roles it asks for.
      type: list
      elements: str
    is_repair:
      description: Whether an already paired device asks for more (roles or scopes).
      type: bool
    decision:
      description: V(approve), V(reject) or V(leave).
      type: str
    reason:
      description: Why.
      type: str
  sample:
    - request_id: 7337f531-f451-4019-a4f2-537f2559855a
      device_id: 9b44f79aa0039df94d74e2d67f804257ba811d02bd52b309401d20cdd1bbbc8c
      display_name: mallory-box
      client_id: node-host
      roles: [node]
      is_repair: false
      decision: reject
      reason: 'unknown: not in allowed or operator_devices'
actions:
  description:
    - What was done (in check mode, what would be done), in order.
    - A V(clear) action stands for one C(openclaw devices clear --yes) call; its C(pending) key says whether
      it also rejected the pending requests (C(--pending)).
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: V(approve), V(reject), V(remove), V(rotate) or V(clear).
      type: str
    device_id:
      description: The device concerned; null for V(clear).
      type: str
    display_name:
      description: Its display name.
      type: str
    client_id:
      description: What kind of client it is (C(node-host), C(cli), ...).
      type: str
    request_id:
      description: The request approved or rejected; null otherwise.
      type: str
    role:
      description: The role whose token was rotated; null otherwise.
      type: str
    reason:
      description: Why.
      type: str
  sample:
    - action: reject
      device_id: 9b44f79aa0039df94d74e2d67f804257ba811d02bd52b309401d20cdd1bbbc8c
      display_name: mallory-box
      client_id: node-host
      request_id: 7337f531-f451-4019-a4f2-537f2559855a
      role: null
      reason: 'unknown: not in allowed or operator_devices'
kept:
  description: Paired devices that stay (kept and operator devices), as C(name (id12)).
  returned: always
  type: list
  elements: str
  sample: ['alice-laptop (6ffe6f7d3307)']
removed:
  description: Devices removed (or to be removed), as C(name (id12)).
  returned: always
  type: list
  elements: str
  sample: ['bob-phone (34f2e039324f)']
approved:
  description: Devices whose request was (or would be) approved, as C(name (id12)).
  returned: always
  type: list
  elements: str
  sample: []
rejected:
  description: Devices whose request was (or would be) rejected, as C(name (id12)).
  returned: always
  type: list
  elements: str
  sample: ['mallory-box (9b44f79aa003)']
rotated:
  description: Tokens rotated (or to be rotated), as C(name (id12) role).
  returned: always
  type: list
  elements: str
  sample: ['alice-laptop (6ffe6f7d3307) node']
unknown:
  description: Devices seen, paired or pending, that are in neither O(allowed) nor O(operator_devices), as C(name (id12)).
  returned: always
  type: list
  elements: str
  sample: ['mallory-box (9b44f79aa003)']
unmatched:
  description: Entries of O(operator_devices) and O(allowed) that match no paired or pending device.
  returned: always
  type: list
  elements: str
  sample: [carol-watch]
own_device:
  description: Device id of the OpenClaw CLI on this host, or null when it has none (2026.9.x uses the shared token).
  returned: always
  type: str
  sample: 85e0ff726b6b3c53e170add044960dd391cfb5f695e19916a93eca466bbb0c15
cli_calls:
  description: How many times the OpenClaw CLI was run (1 when nothing had to be done).
  returned: always
  type: int
  sample: 1
done:
  description: The actions that had completed when the module failed part-way.
  returned: failure
  type: list
  elements: dict
  sample: []
'''

import json
import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import config_core, devices, listen, state_store
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, host_argument_spec)

DEFAULT_TIMEOUT = 60
DEFAULT_GATEWAY_PORT = 18789
TOKEN_SHOWN = '<token>'

START_GATEWAY = ('Start the Gateway (its systemd service, for example openclaw-gateway, or `openclaw gateway '
                 'run`), check gateway.port in the config or the url option, and the token (the file behind '
                 'the gateway.auth.token SecretRef, or the token option)')


class DevicesRun(object):
    """Runs ``openclaw devices ...`` for the module; counts calls, keeps the token out of every text."""

    def __init__(self, module, cli, url, token):
        self.module = module
        self.cli = cli
        self.url = url
        self.token = token
        self.calls = 0

    def redact(self, text):
        if self.token and text:
            return text.replace(self.token, TOKEN_SHOWN)
        return text

    def call(self, args):
        """``(result, shown_command)``; timeouts raise OpenClawCLIError with the token redacted."""
        extra = []
        if self.url:
            extra += ['--url', self.url]
        shown = ['openclaw', 'devices'] + args + extra
        if self.token:
            extra += ['--token', self.token]
            shown += ['--token', TOKEN_SHOWN]
        self.calls += 1
        try:
            result = self.cli.run(['devices'] + args + extra, json_output=True, check=False)
        except OpenClawCLIError as exc:
            raise OpenClawCLIError(self.redact(str(exc)))
        result.cmd = shown
        result.stdout = self.redact(result.stdout)
        result.stderr = self.redact(result.stderr)
        return result, ' '.join(shown)


def gateway_port(config_path):
    """gateway.port from the config (OpenClaw's default when unset), or None when the file cannot be read."""
    try:
        with open(config_path) as handle:
            config = config_core.load_strict(handle.read())
    except (IOError, OSError, ValueError):
        return None
    port = config_core.get_path(config, 'gateway.port', DEFAULT_GATEWAY_PORT) if isinstance(config, dict) else None
    return port if isinstance(port, int) and not isinstance(port, bool) else None


def store_listing(state_dir):
    """The listing from the state database's device tables, or None when they cannot be read."""
    try:
        paired = state_store.query(state_dir, devices.STORE_PAIRED)
        pending = state_store.query(state_dir, devices.STORE_PENDING)
        if paired is None or pending is None:
            return None
        return devices.parse_listing(devices.listing_from_store(paired, pending))
    except (state_store.StoreError, devices.DevicesError):
        return None


def gateway_listens(port):
    try:
        return bool(listen.listeners(port))
    except (IOError, OSError, ValueError):
        return False


def own_device_id(module, state_dir):
    """The CLI's device id from its identity file (only ``deviceId`` is read out of it)."""
    path = os.path.join(state_dir, 'identity', 'device.json')
    if not os.path.exists(path):
        return None
    try:
        with open(path) as handle:
            value = json.load(handle).get('deviceId')
    except (IOError, OSError, ValueError, AttributeError) as exc:
        module.warn('Cannot read the device id of this host\'s OpenClaw CLI from %s (%s); every device '
                    'presenting itself as the CLI (clientId cli) is spared.' % (path, getattr(exc, 'strerror', None) or exc))
        return devices.OWN_BY_CLIENT_ID
    if not isinstance(value, str) or not devices.is_device_id(value):
        module.warn('%s holds no device id; every device presenting itself as the CLI (clientId cli) is '
                    'spared.' % path)
        return devices.OWN_BY_CLIENT_ID
    return value.lower()


def list_failure_message(kind, detail, shown, tolerated=False):
    detail = detail.rstrip('.')
    if tolerated:
        return ('The OpenClaw Gateway was not reached (`%s`: %s); devices were not reviewed (require_gateway=false). '
                '%s to review them.' % (shown, detail, START_GATEWAY))
    if kind == 'unauthorized':
        return ('The Gateway refused the token (`%s`: %s). Leave the token option unset so the CLI reads '
                'gateway.auth.token from the config, or pass the token the running Gateway uses; a Gateway '
                'started before its token changed needs a restart. Nothing was changed.' % (shown, detail))
    if kind == 'token_unresolved':
        return ('The CLI cannot resolve gateway.auth.token from the config (`%s`: %s). Make sure the token '
                'file the SecretRef points at exists and is readable by this user (the gateway role writes '
                'it), or pass the token option. Nothing was changed.' % (shown, detail))
    if kind == 'unreachable':
        return ('Cannot reach the OpenClaw Gateway (`%s`: %s). %s; or set require_gateway=false to skip a '
                'host whose Gateway is not running. Nothing was changed.' % (shown, detail, START_GATEWAY))
    return '`%s` failed: %s. Nothing was changed.' % (shown, detail)


def action_failure_message(action, kind, detail, shown, version, done):
    what = '%s of %s' % (action['action'], devices.label(action)) if action['device_id'] else action['action']
    if kind == 'rotation_denied':
        if version and version.startswith('2026.6.'):
            hint = ('OpenClaw %s does not let the CLI rotate another device\'s token (the Gateway logs '
                    'role-management-requires-admin); only a device\'s own operator token can be rotated. '
                    'Remove the device and pair it again instead, or upgrade OpenClaw to 2026.9.x.' % version)
        else:
            hint = ('The Gateway denied the rotation; check that the device holds role %s and that the CLI '
                    'connects with the Gateway token (token option or gateway.auth.token).' % action['role'])
    elif kind in ('unknown_request', 'unknown_device'):
        hint = ('The request or device changed since the listing (approved, rejected or removed meanwhile, or '
                'asked again with a new request id); run again to act on the current listing.')
    elif kind == 'scope_upgrade':
        hint = ('The CLI of this host asks the Gateway for more scopes again; review the request with '
                '`openclaw devices list`, approve it by hand if it is this host\'s CLI, and run again.')
    elif kind in ('unreachable', 'unauthorized', 'token_unresolved'):
        hint = '%s.' % START_GATEWAY
    else:
        hint = 'See the message above; run `%s` by hand to look closer.' % shown
    if done:
        done_text = '; done before it: %s' % ', '.join(
            ('%s %s' % (a['action'], devices.label(a)) if a['device_id'] else a['action']) for a in done)
    else:
        done_text = '; nothing was done before it'
    return '`%s` failed (%s): %s. %s%s.' % (shown, what, detail, hint, done_text)


def verify_message(problems, version):
    text = 'After acting, the Gateway does not hold what was planned: %s.' % '; '.join(problems)
    if any('paired again' in problem for problem in problems):
        if version and version.startswith('2026.6.'):
            text += (' OpenClaw %s pairs a node host on the Gateway\'s own machine again by itself while it '
                     'runs; stop that node host (or its service) before removing it, then run again.' % version)
        else:
            text += (' A node host on the Gateway\'s machine pairs again by itself while '
                     'gateway.nodes.pairing.autoApproveLocal is true (the default; the devices role sets it '
                     'false); stop that node host or turn auto-approval off, then run again.')
    return text


def warn_about(module, state, options, plan):
    """Display names that match no listed device, and node command surfaces awaiting approval."""
    for warning in devices.name_warnings(state, options):
        module.warn(warning)
    for name, request_id in plan['node_surfaces']:
        module.warn('The node command surface of %s awaits a second approval; review it with `openclaw nodes '
                    'pending` and approve it with `openclaw nodes approve %s` if it is expected (this module '
                    'does not approve it).' % (name, request_id))


def quick_exit(module, result, options, state_dir):
    """Finish without the CLI when the state database shows nothing to do and the Gateway listens.

    Returns (and the caller lists with the CLI) whenever that is not certain.
    """
    state = store_listing(state_dir)
    port = gateway_port(module.params['config_path'] or os.path.join(state_dir, 'openclaw.json'))
    if state is None or port is None:
        return
    own = own_device_id(module, state_dir)
    try:
        plan = devices.make_plan(state, options, int(time.time() * 1000), own_device_id=own)
    except devices.DevicesError:
        return
    if plan['actions'] or not gateway_listens(port):
        return
    result.update(reachable=True, listing_source='state database',
                  own_device=own if own != devices.OWN_BY_CLIENT_ID else None)
    for key in ('paired', 'pending', 'actions', 'kept', 'removed', 'approved', 'rejected', 'rotated',
                'unknown', 'unmatched'):
        result[key] = plan[key]
    warn_about(module, state, options, plan)
    if module._diff:
        listed = devices.table(state)
        result['diff'] = dict(before_header='devices (state database)', before=listed,
                              after_header='devices (state database)', after=listed)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type='str'),
            token=dict(type='str', no_log=True),
            allowed=dict(type='list', elements='str', default=[]),
            operator_devices=dict(type='list', elements='str', default=[]),
            reject_unknown=dict(type='bool', default=True),
            remove_unknown=dict(type='bool', default=True),
            stale_after_seconds=dict(type='int', default=0),
            clear=dict(type='bool', default=False),
            confirm_clear=dict(type='str'),
            rotate=dict(type='list', elements='dict', default=[],
                        options=dict(device=dict(type='str', required=True),
                                     role=dict(type='str', required=True))),
            listing_source=dict(type='str', default='auto', choices=['auto', 'cli']),
            require_gateway=dict(type='bool', default=True),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
            **host_argument_spec()
        ),
        supports_check_mode=True,
    )
    params = module.params
    result = dict(changed=False, reachable=False, version=None, paired=[], pending=[], actions=[], kept=[],
                  removed=[], approved=[], rejected=[], rotated=[], unknown=[], unmatched=[], own_device=None,
                  cli_calls=0, listing_source='cli')
    try:
        cleaned = devices.check_options(params)
    except devices.DevicesError as exc:
        module.fail_json(msg=str(exc), **result)
    options = dict(cleaned, reject_unknown=params['reject_unknown'], remove_unknown=params['remove_unknown'],
                   stale_after_seconds=params['stale_after_seconds'], clear=params['clear'])

    cli = OpenClawCLI(module, binary=params['openclaw_bin'], home=params['home'],
                      config_path=params['config_path'], state_dir=params['state_dir'],
                      timeout=params['timeout'])
    cli.require_binary()
    version = cli.version
    result['version'] = version
    state_dir = params['state_dir'] or os.path.join(cli.home, '.openclaw')
    runner = DevicesRun(module, cli, params['url'], params['token'])

    def fail(msg, **extra):
        result['cli_calls'] = runner.calls
        result.update(extra)
        module.fail_json(msg=runner.redact(msg), **result)

    def listing():
        try:
            run, shown = runner.call(['list', '--json'])
        except OpenClawCLIError as exc:
            fail('%s Nothing was changed.' % exc)
        if run.rc == 0:
            try:
                return devices.parse_listing(run.data), shown
            except devices.DevicesError as exc:
                fail('`%s` exited 0 but %s: %s' % (shown, exc, (run.stdout or run.stderr or '').strip()[:300]))
        failed = devices.failure(run.rc, run.data, run.stdout, run.stderr)
        return failed, shown

    if params['listing_source'] == 'auto' and not (params['url'] or params['clear'] or params['rotate']):
        quick_exit(module, result, options, state_dir)

    state, shown = listing()
    if 'kind' in state:
        if state['kind'] in ('unreachable', 'token_unresolved') and not params['require_gateway']:
            result['cli_calls'] = runner.calls
            module.warn(list_failure_message(state['kind'], state['detail'], shown, tolerated=True))
            module.exit_json(**result)
        fail(list_failure_message(state['kind'], state['detail'], shown))
    result['reachable'] = True

    own = own_device_id(module, state_dir)
    result['own_device'] = own if own != devices.OWN_BY_CLIENT_ID else None
    now_ms = int(time.time() * 1000)
    try:
        plan = devices.make_plan(state, options, now_ms, own_device_id=own)
    except devices.DevicesError as exc:
        fail('%s Nothing was changed.' % exc)
    for key in ('paired', 'pending', 'actions', 'kept', 'removed', 'approved', 'rejected', 'rotated',
                'unknown', 'unmatched'):
        result[key] = plan[key]
    warn_about(module, state, options, plan)
    result['changed'] = bool(plan['actions'])
    before = devices.table(state)

    if module.check_mode or not plan['actions']:
        if module._diff:
            result['diff'] = dict(before_header='devices (listed)', before=before,
                                  after_header='devices (planned)' if plan['actions'] else 'devices (listed)',
                                  after=devices.table(devices.expected_state(state, plan),
                                                      _rotations(plan['actions'])))
        result['cli_calls'] = runner.calls
        module.exit_json(**result)

    done, rotated_at = [], {}
    actions = list(plan['actions'])
    upgraded = False
    index = 0
    while index < len(actions):
        action = actions[index]
        args = _command(action)
        try:
            run, shown = runner.call(args)
        except OpenClawCLIError as exc:
            fail('%s Done before it: %d action(s).' % (exc, len(done)), done=done, actions=actions)
        if run.rc != 0:
            failed = devices.failure(run.rc, run.data, run.stdout, run.stderr)
            if failed['kind'] == 'scope_upgrade' and not upgraded:
                upgraded = True
                extra = _approve_own_upgrade(runner, fail, failed['request_id'], own_device_id(module, state_dir),
                                             done, actions)
                actions.insert(index, extra)
                result['approved'].append(devices.label(extra))
                done.append(extra)
                index += 1
                continue
            fail(action_failure_message(action, failed['kind'], failed['detail'], shown, version, done),
                 done=done, actions=actions)
        if action['action'] == 'rotate' and isinstance(run.data, dict):
            when = run.data.get('rotatedAtMs')
            if isinstance(when, int) and not isinstance(when, bool):
                rotated_at[(action['device_id'], action['role'])] = when
        done.append(action)
        index += 1

    result['actions'] = actions
    after, shown = listing()
    if 'kind' in after:
        fail('Acted (%d action(s)), but listing the devices again failed: %s'
             % (len(done), list_failure_message(after['kind'], after['detail'], shown).replace(
                 ' Nothing was changed.', '')), done=done)
    problems, notes = devices.verify(after, plan, done, rotated_at)
    for note in notes:
        module.warn(note)
    if module._diff:
        result['diff'] = dict(before_header='devices (before)', before=before,
                              after_header='devices (after)', after=devices.table(after, _rotations(done)))
    if problems:
        fail(verify_message(problems, version), done=done)
    result['cli_calls'] = runner.calls
    result['changed'] = True
    module.exit_json(**result)


def _rotations(actions):
    rotated = {}
    for action in actions:
        if action['action'] == 'rotate':
            rotated.setdefault(action['device_id'], []).append(action['role'])
    return rotated


def _command(action):
    kind = action['action']
    if kind == 'approve':
        return ['approve', action['request_id'], '--json']
    if kind == 'reject':
        return ['reject', action['request_id'], '--json']
    if kind == 'remove':
        return ['remove', action['device_id'], '--json']
    if kind == 'rotate':
        return ['rotate', '--device', action['device_id'], '--role', action['role'], '--json']
    return ['clear', '--yes'] + (['--pending'] if action.get('pending') else []) + ['--json']


def _approve_own_upgrade(runner, fail, request_id, own, done, actions):
    """Approve the pending scope upgrade of this host's own CLI device (2026.6.x), checked by a fresh listing."""
    try:
        run, shown = runner.call(['list', '--json'])
        state = devices.parse_listing(run.data) if run.rc == 0 else None
    except (OpenClawCLIError, devices.DevicesError) as exc:
        state = None
        shown = 'openclaw devices list --json (%s)' % exc
    if state is None:
        fail('The CLI asks the Gateway for more scopes (request %s) and listing the requests to check it '
             'failed (`%s`). Nothing more was done.' % (request_id, shown), done=done, actions=actions)
    request = [r for r in state['pending'] if r['request_id'] == request_id]
    if not request or not devices.is_own(request[0], own):
        fail('The CLI asks the Gateway for more scopes (request %s), but that request is not from this '
             'host\'s own CLI device (%s). Review it with `openclaw devices list`; approve it by hand only if '
             'it is yours. Nothing more was done.' % (request_id, own or 'no identity file'),
             done=done, actions=actions)
    request = request[0]
    action = {'action': 'approve', 'device_id': request['device_id'], 'display_name': request.get('display_name'),
              'client_id': request.get('client_id'), 'request_id': request_id, 'role': None,
              'reason': "this host's own OpenClaw CLI needs operator.admin for the next call (OpenClaw 2026.6.x "
                        "asks for it on first use)"}
    run, shown = runner.call(['approve', request_id, '--json'])
    if run.rc != 0:
        failed = devices.failure(run.rc, run.data, run.stdout, run.stderr)
        fail('`%s` failed: %s. The CLI of this host could not be granted operator.admin; approve request %s '
             'by hand (`openclaw devices approve %s`) and run again.'
             % (shown, failed['detail'], request_id, request_id), done=done, actions=actions)
    return action


if __name__ == '__main__':
    main()
