# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd.py on systemctl output recorded from the real Gateway's unit (fixtures/systemd/gateway_*.json)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import systemd
from ansible_collections.clawfleet.openclaw.tests.unit import helpers


def recorded_state(name):
    rec = helpers.systemd_recording('gateway_' + name)
    assert rec['rc'] == 0, rec
    return systemd.parse_show(rec['stdout'], systemd.SERVICE_STATE_PROPERTIES)


# recording, down for good, how its main process ended
CASES = [
    ('running', False, 'how its main process ended is not known'),
    ('auto_restart', False, 'its main process was killed by signal 9'),
    ('stopped', True, 'its main process was killed by signal 9'),
    ('exit_78', True, 'its main process exited with status 78 (OpenClaw exits 78 when the Gateway refuses to start '
                      'until "openclaw doctor --fix" has run'),
    ('not_found', False, 'how its main process ended is not known'),
]


@pytest.mark.parametrize('name,down,end', CASES, ids=[case[0] for case in CASES])
def test_recorded_states(name, down, end):
    state = recorded_state(name)
    assert systemd.stopped_for_good(state) is down
    assert systemd.describe_end(state).startswith(end)


def test_the_same_recording_read_by_the_backup_schedule_properties():
    rec = helpers.systemd_recording('show_enabled_active')
    assert systemd.parse_show(rec['stdout'], ('LoadState', 'UnitFileState', 'Missing')) == {
        'LoadState': 'loaded', 'UnitFileState': 'enabled', 'Missing': ''}


def test_nothing_to_judge_is_not_a_stop():
    assert systemd.stopped_for_good(None) is False
    assert systemd.stopped_for_good({}) is False
