# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What systemd says about a unit: ``systemctl show --property=...``, read as ``KEY=VALUE`` lines."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

# The properties that say whether a service runs and, once its process has ended, how it ended.
SERVICE_STATE_PROPERTIES = ('LoadState', 'ActiveState', 'SubState', 'Result', 'ExecMainCode', 'ExecMainStatus')

# si_code of the main process's end (ExecMainCode), as waitid(2) reports it.
_CLD_EXITED, _CLD_KILLED, _CLD_DUMPED = '1', '2', '3'

# Exit statuses whose meaning for OpenClaw's Gateway is known (OpenClaw's own unit keeps it down on 78).
OPENCLAW_EXIT_MEANING = {
    '78': ('OpenClaw exits 78 when the Gateway refuses to start until "openclaw doctor --fix" has run: an '
           'openclaw.json it cannot load, or startup migrations that did not complete (seen when the host '
           'was too busy for the Gateway to start in time)'),
}


def parse_show(text, properties):
    """``{property: value}`` from the output of ``systemctl show``; a property systemd did not print is ''."""
    state = dict.fromkeys(properties, '')
    for line in (text or '').splitlines():
        key, sep, value = line.partition('=')
        if sep and key in state:
            state[key] = value.strip()
    return state


def user_environment():
    """What ``systemctl --user`` needs to find the user's manager when the login did not set it."""
    if os.environ.get('XDG_RUNTIME_DIR'):
        return {}
    return {'XDG_RUNTIME_DIR': '/run/user/%d' % os.getuid()}


def query(module, unit, properties=SERVICE_STATE_PROPERTIES, scope='system'):
    """The unit's properties from the system manager or the user's own, or None when systemd cannot be asked."""
    binary = module.get_bin_path('systemctl')
    if not binary:
        return None
    command = [binary] + (['--user'] if scope == 'user' else []) + ['show', '--property=' + ','.join(properties), unit]
    rc, out, _err = module.run_command(command, environ_update=user_environment() if scope == 'user' else None,
                                       check_rc=False)
    return parse_show(out, properties) if rc == 0 else None


def stopped_for_good(state):
    """Whether a loaded service is down with nothing in systemd about to start it again.

    A service waiting out its ``RestartSec`` is ``activating`` (``auto-restart``), one being stopped is
    ``deactivating``: neither counts. ``inactive`` and ``failed`` stay until someone starts the unit.
    """
    return bool(state) and state.get('LoadState') == 'loaded' and state.get('ActiveState') in ('inactive', 'failed')


def describe_end(state):
    """How the service's main process ended, in words: ``its main process exited with status 78 (...)``."""
    code, status = state.get('ExecMainCode'), state.get('ExecMainStatus')
    if code == _CLD_EXITED:
        meaning = OPENCLAW_EXIT_MEANING.get(status)
        return 'its main process exited with status %s%s' % (status, ' (%s)' % meaning if meaning else '')
    if code in (_CLD_KILLED, _CLD_DUMPED):
        dumped = ' and dumped core' if code == _CLD_DUMPED else ''
        return 'its main process was killed by signal %s%s' % (status, dumped)
    return 'how its main process ended is not known'
