# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning of openclaw_devices on listings recorded from the real CLI (2026.9.6 and 2026.6.5)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import devices
from ansible_collections.clawfleet.openclaw.plugins.module_utils.devices import (
    DevicesError, check_options, expected_state, failure, make_plan, parse_listing, table, verify)
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

# Ids from the recordings.
ALICE = '6ffe6f7d330771446a35f18716cd4420044826f568035e775cbd7f37ad5e4c8e'
BOB = '34f2e039324fe7b68a1debdf5106f2c2610d6f5a5ef2293bb2348bde27557b31'
MALLORY = '9b44f79aa0039df94d74e2d67f804257ba811d02bd52b309401d20cdd1bbbc8c'
MALLORY_REQUEST = '7337f531-f451-4019-a4f2-537f2559855a'
CLI_65 = '85e0ff726b6b3c53e170add044960dd391cfb5f695e19916a93eca466bbb0c15'
ALICE_65 = '9c130344ed98f532cd93f8f564c8040ac43e20c8773123c18a41db2220fe2580'
MALLORY_65 = '2843d362ff40e7a02fa7cda8f6d3e07f9829dbdf296d466b0582c76633bbd91f'
BOB_65_REQUEST = '1fece65b-db4a-4834-8df2-d7ea8306b9bb'
EVE_65_REQUEST = '1825780a-3f2d-4a09-b2b7-15ec6287ea8b'

# bob-phone was last seen at 1796025459244 in devices_list_stale (2026.9.6).
STALE_LAST_SEEN = 1796025459244
DAY_MS = 86400 * 1000


def listing(version, name):
    rec = helpers.recording(version, name)
    assert rec['rc'] == 0
    return parse_listing(json.loads(rec['stdout']))


def options(**extra):
    base = dict(allowed=[], operator_devices=[], rotate=[], reject_unknown=True, remove_unknown=True,
                stale_after_seconds=0, clear=False)
    base.update(extra)
    return base


def decisions(plan):
    return (dict((row['display_name'] or row['client_id'], row['decision']) for row in plan['paired']),
            dict((row['display_name'] or row['client_id'], row['decision']) for row in plan['pending']))


def kinds(plan):
    return [(a['action'], a['display_name'] or a['device_id']) for a in plan['actions']]


# --------------------------------------------------------------------------
# parse_listing
# --------------------------------------------------------------------------

def test_parse_listing_9_6_stale():
    state = listing('2026.9.6', 'devices_list_stale')
    assert [d['display_name'] for d in state['paired']] == ['bob-phone', 'alice-laptop']
    bob, alice = state['paired']
    assert bob['device_id'] == BOB and bob['connected'] is False and bob['last_seen_at_ms'] == STALE_LAST_SEEN
    assert alice['connected'] is True and alice['roles'] == ['node'] and alice['client_id'] == 'node-host'
    assert alice['pending_node_surface'] == '65883ce9-3a34-4acf-8984-676d83fe8f55'
    assert alice['token_times'] == {'node': 1796025402927}
    assert [(r['request_id'], r['device_id']) for r in state['pending']] == [(MALLORY_REQUEST, MALLORY)]


def test_parse_listing_6_5_has_no_connected_flag():
    state = listing('2026.6.5', 'devices_list_paired_pending')
    names = [d['display_name'] for d in state['paired']]
    assert names == ['mallory-box', 'alice-laptop', None]
    cli = state['paired'][2]
    assert cli['client_id'] == 'cli' and cli['roles'] == ['operator'] and cli['scopes'] == ['operator.pairing']
    assert all(d['connected'] is None for d in state['paired'])
    assert sorted(r['display_name'] for r in state['pending']) == ['bob-phone', 'eve-tablet']


def test_parse_listing_keeps_no_key_material():
    raw = helpers.recording('2026.9.6', 'devices_list_stale')['stdout']
    assert '"publicKey"' in raw and '"tokens"' in raw
    state = listing('2026.9.6', 'devices_list_stale')
    text = json.dumps(state)
    assert 'publicKey' not in text and 'QRCvZz5RNdai7WqtNnS1foKHQq0QyWPTxE2KKebERQI' not in text
    assert 'tokens' not in text


def test_rotated_token_time_is_read():
    state = listing('2026.9.6', 'devices_list_after')
    assert state['paired'][0]['token_times'] == {'node': 1796025505867}


@pytest.mark.parametrize('version, name', [('2026.9.6', 'devices_list_unreachable'),
                                           ('2026.9.6', 'devices_list_wrong_token'),
                                           ('2026.6.5', 'devices_list_unreachable')])
def test_parse_listing_refuses_error_documents(version, name):
    with pytest.raises(DevicesError, match='not a device listing'):
        parse_listing(json.loads(helpers.recording(version, name)['stdout']))


# --------------------------------------------------------------------------
# check_options
# --------------------------------------------------------------------------

@pytest.mark.parametrize('confirm', [None, '', 'yes', 'Clear all devices', 'clear all devices '])
def test_clear_needs_the_exact_confirmation(confirm):
    with pytest.raises(DevicesError) as exc:
        check_options(dict(clear=True, confirm_clear=confirm))
    assert 'confirm_clear' in str(exc.value) and 'clear=true' in str(exc.value)
    assert '"clear all devices"' in str(exc.value) and 'Nothing was changed' in str(exc.value)


def test_clear_confirmed_and_ids_lowercased():
    cleaned = check_options(dict(clear=True, confirm_clear='clear all devices', allowed=[ALICE.upper(), 'Bob'],
                                 rotate=[{'device': 'alice-laptop', 'role': 'node'}]))
    assert cleaned['allowed'] == [ALICE, 'Bob']
    assert cleaned['rotate'] == [{'device': 'alice-laptop', 'role': 'node'}]


@pytest.mark.parametrize('params, words', [
    (dict(allowed=['  ']), ['allowed', 'empty entry']),
    (dict(operator_devices=['']), ['operator_devices', 'empty entry']),
    (dict(stale_after_seconds=-1), ['stale_after_seconds']),
    (dict(timeout=0), ['timeout']),
    (dict(rotate=[{'device': 'alice-laptop'}]), ['rotate[0]', 'role']),
    (dict(rotate=['alice-laptop']), ['rotate[0]', 'dict']),
    (dict(rotate=[{'device': 'a', 'role': 'node', 'scope': 'x'}]), ['rotate[0]', 'scope']),
])
def test_bad_options_are_named(params, words):
    with pytest.raises(DevicesError) as exc:
        check_options(params)
    for word in words:
        assert word in str(exc.value)


# --------------------------------------------------------------------------
# make_plan
# --------------------------------------------------------------------------

NOW = 1796025520000  # a minute after devices_list_stale was taken


def test_allowed_by_name_keeps_and_unknowns_go():
    plan = make_plan(listing('2026.9.6', 'devices_list_stale'), options(allowed=['alice-laptop']), NOW)
    paired, pending = decisions(plan)
    assert paired == {'alice-laptop': 'keep', 'bob-phone': 'remove'}
    assert pending == {'mallory-box': 'reject'}
    assert kinds(plan) == [('reject', 'mallory-box'), ('remove', 'bob-phone')]
    assert plan['kept'] == ['alice-laptop (6ffe6f7d3307)']
    assert plan['removed'] == ['bob-phone (34f2e039324f)']
    assert plan['rejected'] == ['mallory-box (9b44f79aa003)']
    assert plan['unknown'] == ['bob-phone (34f2e039324f)', 'mallory-box (9b44f79aa003)']
    assert plan['node_surfaces'] == [('alice-laptop (6ffe6f7d3307)', '65883ce9-3a34-4acf-8984-676d83fe8f55')]
    reject = plan['actions'][0]
    assert reject['request_id'] == MALLORY_REQUEST and reject['device_id'] == MALLORY
    assert 'not in allowed or operator_devices' in reject['reason']


def test_allowed_by_id_and_pending_approved():
    plan = make_plan(listing('2026.9.6', 'devices_list_stale'), options(allowed=[ALICE, BOB, MALLORY]), NOW)
    assert decisions(plan) == ({'alice-laptop': 'keep', 'bob-phone': 'keep'}, {'mallory-box': 'approve'})
    assert kinds(plan) == [('approve', 'mallory-box')]
    assert plan['unknown'] == [] and plan['approved'] == ['mallory-box (9b44f79aa003)']


def test_known_state_plans_nothing():
    plan = make_plan(listing('2026.9.6', 'devices_list_after'), options(allowed=['alice-laptop']), NOW)
    assert plan['actions'] == [] and plan['unknown'] == []
    assert plan['paired'][0]['reason'] == 'listed in allowed (alice-laptop)'


def test_unknowns_left_when_asked():
    plan = make_plan(listing('2026.9.6', 'devices_list_stale'),
                     options(allowed=['alice-laptop'], reject_unknown=False, remove_unknown=False), NOW)
    assert decisions(plan) == ({'alice-laptop': 'keep', 'bob-phone': 'keep'}, {'mallory-box': 'leave'})
    assert plan['actions'] == []
    assert plan['unknown'] == ['bob-phone (34f2e039324f)', 'mallory-box (9b44f79aa003)']
    assert 'remove_unknown=false' in plan['paired'][0]['reason']


def test_stale_removes_allowed_but_not_connected_or_operator():
    state = listing('2026.9.6', 'devices_list_stale')
    later = STALE_LAST_SEEN + 31 * DAY_MS
    plan = make_plan(state, options(allowed=['alice-laptop', 'bob-phone', 'mallory-box'],
                                    stale_after_seconds=30 * 86400), later)
    paired, dummy = decisions(plan)
    # alice-laptop is connected: online now, so never stale.
    assert paired == {'alice-laptop': 'keep', 'bob-phone': 'remove'}
    assert 'last seen 31 days ago, longer than stale_after_seconds=2592000' in plan['paired'][0]['reason']
    assert plan['paired'][0]['idle_seconds'] == 31 * 86400
    assert plan['paired'][0]['last_seen_at'] == '2026-11-30T07:57:39Z'
    assert plan['unknown'] == []
    # An operator device is never stale.
    plan = make_plan(state, options(operator_devices=['bob-phone'], allowed=['alice-laptop'],
                                    stale_after_seconds=60), later)
    assert decisions(plan)[0] == {'alice-laptop': 'keep', 'bob-phone': 'operator'}
    # Not yet stale.
    plan = make_plan(state, options(allowed=['alice-laptop', 'bob-phone'], stale_after_seconds=30 * 86400),
                     STALE_LAST_SEEN + 29 * DAY_MS)
    assert decisions(plan)[0] == {'alice-laptop': 'keep', 'bob-phone': 'keep'}


def test_stale_without_last_seen_uses_approval_time():
    # 2026.9.6 right after approval: no lastSeenAtMs yet.
    state = listing('2026.9.6', 'devices_list_paired_pending')
    assert all(d['last_seen_at_ms'] is None for d in state['paired'])
    plan = make_plan(state, options(allowed=['alice-laptop', 'bob-phone'], stale_after_seconds=3600),
                     1796025412101 + 2 * 3600 * 1000)
    assert [row['decision'] for row in plan['paired']] == ['remove', 'remove']
    assert 'never seen; approved 2 hours ago' in plan['paired'][0]['reason']


def test_own_cli_device_is_protected_6_5():
    state = listing('2026.6.5', 'devices_list_paired_pending')
    plan = make_plan(state, options(), NOW, own_device_id=CLI_65)
    paired, pending = decisions(plan)
    assert paired == {'mallory-box': 'remove', 'alice-laptop': 'remove', 'cli': 'operator'}
    assert pending == {'bob-phone': 'reject', 'eve-tablet': 'reject'}
    assert "this host's own OpenClaw CLI" in plan['paired'][2]['reason']
    assert 'cli (85e0ff726b6b)' in plan['kept'] and 'cli (85e0ff726b6b)' not in plan['unknown']


def test_another_cli_device_is_unknown_when_this_cli_has_no_identity():
    plan = make_plan(listing('2026.6.5', 'devices_list_paired_pending'), options(), NOW, own_device_id=None)
    assert decisions(plan)[0]['cli'] == 'remove'
    assert 'cli (85e0ff726b6b)' in plan['unknown']


def test_unreadable_identity_spares_every_cli_device():
    plan = make_plan(listing('2026.6.5', 'devices_list_paired_pending'), options(), NOW,
                     own_device_id=devices.OWN_BY_CLIENT_ID)
    assert decisions(plan)[0]['cli'] == 'operator'


def test_own_cli_scope_upgrade_is_approved_when_the_run_approves_another_device():
    plan = make_plan(listing('2026.6.5', 'devices_list_own_upgrade'), options(allowed=['alice-laptop', 'dave-tv']),
                     NOW, own_device_id=CLI_65)
    assert decisions(plan) == ({'alice-laptop': 'keep', 'cli': 'operator'},
                               {'cli': 'approve', 'dave-tv': 'approve'})
    assert kinds(plan) == [('approve', CLI_65), ('approve', 'dave-tv')]


def test_own_cli_scope_upgrade_is_left_alone_when_the_run_needs_no_approval():
    # OpenClaw 2026.6 files such a request on many CLI calls; reject and
    # remove work without it, so a run that only turns dave-tv away (or does
    # nothing) must not report a change for it.
    plan = make_plan(listing('2026.6.5', 'devices_list_own_upgrade'), options(allowed=['alice-laptop']), NOW,
                     own_device_id=CLI_65)
    assert decisions(plan) == ({'alice-laptop': 'keep', 'cli': 'operator'},
                               {'cli': 'leave', 'dave-tv': 'reject'})
    assert kinds(plan) == [('reject', 'dave-tv')]
    assert "needs none" in [row for row in plan['pending'] if row['device_id'] == CLI_65][0]['reason']


def test_operator_devices_by_id_and_name():
    state = listing('2026.6.5', 'devices_list_paired_pending')
    plan = make_plan(state, options(operator_devices=[ALICE_65, 'bob-phone']), NOW, own_device_id=CLI_65)
    paired, pending = decisions(plan)
    assert paired['alice-laptop'] == 'operator' and pending['bob-phone'] == 'approve'
    assert 'listed in operator_devices (%s)' % ALICE_65 == plan['paired'][1]['reason']


def test_clear_one_by_one_when_an_operator_device_is_paired():
    state = listing('2026.6.5', 'devices_list_paired_pending')
    plan = make_plan(state, options(clear=True, allowed=['alice-laptop', 'bob-phone']), NOW, own_device_id=CLI_65)
    paired, pending = decisions(plan)
    assert paired == {'mallory-box': 'remove', 'alice-laptop': 'remove', 'cli': 'operator'}
    assert pending == {'bob-phone': 'reject', 'eve-tablet': 'reject'}
    assert [a['action'] for a in plan['actions']] == ['reject', 'reject', 'remove', 'remove']
    assert all('clear=true' in a['reason'] for a in plan['actions'])
    # allowed devices go too, but they are not unknown.
    assert plan['unknown'] == ['mallory-box (2843d362ff40)', 'eve-tablet (18074fb45282)']


def test_clear_in_one_call_without_operator_devices():
    plan = make_plan(listing('2026.9.6', 'devices_list_before_clear'), options(clear=True), NOW)
    assert [(a['action'], a['pending']) for a in plan['actions']] == [('clear', True)]
    assert sorted(plan['removed']) == ['alice-laptop (6ffe6f7d3307)', 'bob-phone (34f2e039324f)']
    assert plan['rejected'] == ['mallory-box (9b44f79aa003)']
    plan = make_plan(listing('2026.9.6', 'devices_list_before_clear'),
                     options(clear=True, operator_devices=[ALICE]), NOW)
    assert [a['action'] for a in plan['actions']] == ['reject', 'remove']


def test_clear_of_an_empty_table_does_nothing():
    assert make_plan(listing('2026.9.6', 'devices_list_empty'), options(clear=True), NOW)['actions'] == []


def test_allowed_name_of_a_paired_device_with_another_id_is_not_approved():
    state = listing('2026.9.6', 'devices_list_stale')
    impostor = copy.deepcopy(state['pending'][0])
    impostor['display_name'] = 'alice-laptop'
    state['pending'] = [impostor]
    plan = make_plan(state, options(allowed=['alice-laptop']), NOW)
    row = plan['pending'][0]
    assert row['decision'] == 'leave'
    assert 'display name of paired device alice-laptop (6ffe6f7d3307)' in row['reason'] and MALLORY in row['reason']
    # By id it is approved.
    plan = make_plan(state, options(allowed=['alice-laptop', MALLORY]), NOW)
    assert plan['pending'][0]['decision'] == 'approve'


def test_operator_role_request_needs_operator_devices():
    state = listing('2026.6.5', 'devices_list_own_upgrade')
    request = [r for r in state['pending'] if r['client_id'] == 'cli'][0]
    plan = make_plan(state, options(allowed=[CLI_65]), NOW, own_device_id=None)
    row = [r for r in plan['pending'] if r['request_id'] == request['request_id']][0]
    assert row['decision'] == 'leave' and 'operator role' in row['reason'] and 'operator_devices' in row['reason']
    plan = make_plan(state, options(operator_devices=[CLI_65]), NOW, own_device_id=None)
    row = [r for r in plan['pending'] if r['request_id'] == request['request_id']][0]
    assert row['decision'] == 'approve'


def test_name_warnings_for_twins():
    state = listing('2026.9.6', 'devices_list_stale')
    twin = copy.deepcopy(state['paired'][0])
    twin['device_id'] = 'f' * 64
    twin['display_name'] = 'alice-laptop'
    state['paired'].append(twin)
    warnings = devices.name_warnings(state, options(allowed=['alice-laptop', BOB]))
    assert len(warnings) == 1 and "allowed entry 'alice-laptop' fits 2 paired devices" in warnings[0]


def test_unmatched_selectors():
    plan = make_plan(listing('2026.9.6', 'devices_list_stale'),
                     options(allowed=['alice-laptop', 'carol-watch'], operator_devices=['e' * 64]), NOW)
    assert plan['unmatched'] == ['e' * 64, 'carol-watch']


def test_rotation_planned():
    plan = make_plan(listing('2026.9.6', 'devices_list_stale'),
                     options(allowed=['alice-laptop', 'bob-phone', 'mallory-box'],
                             rotate=[{'device': 'alice-laptop', 'role': 'node'}]), NOW)
    assert kinds(plan) == [('approve', 'mallory-box'), ('rotate', 'alice-laptop')]
    assert plan['actions'][1]['role'] == 'node' and plan['actions'][1]['device_id'] == ALICE
    assert plan['rotated'] == ['alice-laptop (6ffe6f7d3307) node']


@pytest.mark.parametrize('rotate, allowed, words', [
    ({'device': 'carol-watch', 'role': 'node'}, ['alice-laptop'], ["no paired device matches 'carol-watch'"]),
    ({'device': 'mallory-box', 'role': 'node'}, ['alice-laptop'], ['no paired device matches']),
    ({'device': 'alice-laptop', 'role': 'operator'}, ['alice-laptop'],
     ["holds the role(s) node, not 'operator'"]),
    ({'device': 'bob-phone', 'role': 'node'}, ['alice-laptop'], ['also to be removed in this run']),
])
def test_rotation_refused_before_acting(rotate, allowed, words):
    with pytest.raises(DevicesError) as exc:
        make_plan(listing('2026.9.6', 'devices_list_stale'), options(allowed=allowed, rotate=[rotate]), NOW)
    for word in words:
        assert word in str(exc.value)


def test_rotation_by_an_ambiguous_name_is_refused():
    state = listing('2026.9.6', 'devices_list_stale')
    twin = copy.deepcopy(state['paired'][1])
    twin['device_id'] = 'f' * 64
    state['paired'].append(twin)
    with pytest.raises(DevicesError, match='matches 2 paired devices'):
        make_plan(state, options(allowed=['alice-laptop', 'bob-phone'],
                                 rotate=[{'device': 'alice-laptop', 'role': 'node'}]), NOW)


# --------------------------------------------------------------------------
# expected_state, table, verify
# --------------------------------------------------------------------------

def test_expected_state_and_table():
    state = listing('2026.9.6', 'devices_list_stale')
    plan = make_plan(state, options(allowed=['alice-laptop', 'mallory-box']), NOW)
    after = expected_state(state, plan)
    assert [d['display_name'] for d in after['paired']] == ['alice-laptop', 'mallory-box']
    assert after['pending'] == []
    text = table(after, {ALICE: ['node']})
    assert text.splitlines()[0] == 'paired (2):'
    assert 'alice-laptop (6ffe6f7d3307)  node  linux  last seen 2026-11-30  connected  node token rotated' \
        in text
    assert 'mallory-box (9b44f79aa003)  node  linux  never seen' in text
    assert text.endswith('pending (0):\n')
    before = table(state)
    assert 'mallory-box (9b44f79aa003)  node  request %s' % MALLORY_REQUEST in before


def test_verify_after_a_real_run_9_6():
    state = listing('2026.9.6', 'devices_list_stale')
    plan = make_plan(state, options(allowed=['alice-laptop'], rotate=[{'device': ALICE, 'role': 'node'}]), NOW)
    after = listing('2026.9.6', 'devices_list_after')
    problems, notes = verify(after, plan, plan['actions'], {(ALICE, 'node'): 1796025505867})
    assert problems == [] and notes == []
    # A rotation the listing does not show.
    problems, dummy = verify(after, plan, plan['actions'], {(ALICE, 'node'): 1796025505867 + 1})
    assert problems == ['the node token of alice-laptop (6ffe6f7d3307) does not show the rotation']


def test_verify_sees_what_did_not_happen():
    state = listing('2026.9.6', 'devices_list_stale')
    plan = make_plan(state, options(allowed=['alice-laptop']), NOW)
    problems, dummy = verify(state, plan, plan['actions'])
    assert problems == ['the request %s of mallory-box (9b44f79aa003) is still pending after its rejection'
                        % MALLORY_REQUEST,
                        'bob-phone (34f2e039324f) is paired again after its removal']


def test_verify_sees_a_local_node_pair_again_6_5():
    state = listing('2026.6.5', 'devices_list_pairing_scope')
    plan = make_plan(state, options(allowed=['dave-tv']), NOW, own_device_id=CLI_65)
    assert kinds(plan) == [('remove', 'alice-laptop'), ('approve', 'dave-tv')]
    problems, notes = verify(listing('2026.6.5', 'devices_list_after_upgrade'), plan, plan['actions'])
    assert problems == ['alice-laptop (9c130344ed98) is paired again after its removal']


def test_verify_notes_changes_by_others():
    state = listing('2026.9.6', 'devices_list_after')
    plan = make_plan(state, options(allowed=['alice-laptop']), NOW)
    problems, notes = verify(listing('2026.9.6', 'devices_list_empty'), plan, [])
    assert problems == []
    assert notes == ['alice-laptop (6ffe6f7d3307) was to be kept but is no longer paired (removed by someone else?)']
    problems, notes = verify(listing('2026.9.6', 'devices_list_stale'), plan, [])
    assert 'bob-phone (34f2e039324f) was paired while this ran; run again to review it' in notes
    assert 'mallory-box (9b44f79aa003) asked to pair while this ran; run again to review it' in notes


def test_verify_clear():
    state = listing('2026.9.6', 'devices_list_before_clear_pending')
    plan = make_plan(state, options(clear=True), NOW)
    assert [(a['action'], a['pending']) for a in plan['actions']] == [('clear', True)]
    assert verify(listing('2026.9.6', 'devices_list_empty'), plan, plan['actions']) == ([], [])
    problems, dummy = verify(state, plan, plan['actions'])
    assert problems == ['alice-laptop (6ffe6f7d3307) is paired again after the clear',
                        'the request 271d635e-6a41-4802-a367-3a21ec9751cf of mallory-box (9b44f79aa003) is '
                        'still pending after the clear']


# --------------------------------------------------------------------------
# failure
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version, name, kind, detail', [
    ('2026.9.6', 'devices_list_unreachable', 'unreachable',
     'Gateway not reachable at ws://127.0.0.1:28801 (ECONNREFUSED).'),
    ('2026.6.5', 'devices_list_unreachable', 'unreachable',
     'gateway closed (1006 abnormal closure (no close frame)): no close reason'),
    ('2026.9.6', 'devices_list_wrong_token', 'unauthorized',
     "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)"),
    ('2026.6.5', 'devices_list_wrong_token', 'unauthorized',
     'gateway closed (1008): unauthorized: gateway token mismatch (set gateway.remote.token to match '
     'gateway.auth.token)'),
    ('2026.9.6', 'devices_list_token_unresolved', 'token_unresolved',
     'gateway.auth.token is configured as a secret reference but is unavailable in this command path.'),
    ('2026.9.6', 'devices_rotate_wrong_role', 'rotation_denied', 'device token rotation denied'),
    ('2026.6.5', 'devices_rotate_denied', 'rotation_denied', 'device token rotation denied'),
    ('2026.9.6', 'devices_reject_again', 'unknown_request', 'unknown requestId'),
    ('2026.6.5', 'devices_reject_again', 'unknown_request', 'unknown requestId'),
    ('2026.9.6', 'devices_approve_again', 'unknown_request',
     'No pending device request matches 5feaca5e-98e1-4423-a1d2-2543264cd0b2. Run openclaw devices list and '
     'retry with the current request ID.'),
    ('2026.6.5', 'devices_approve_again', 'unknown_request', 'unknown requestId'),
    ('2026.9.6', 'devices_remove_again', 'unknown_device', 'unknown deviceId'),
    ('2026.6.5', 'devices_remove_again', 'unknown_device', 'unknown deviceId'),
    ('2026.9.6', 'devices_clear_refused', 'refused', 'Refusing to clear pairing table without --yes'),
    ('2026.6.5', 'devices_clear_refused', 'refused', 'Refusing to clear pairing table without --yes'),
])
def test_failure_kinds(version, name, kind, detail):
    rec = helpers.recording(version, name)
    assert rec['rc'] == 1
    data = None
    if rec['stdout'].strip():
        data = json.loads(rec['stdout'])
    found = failure(rec['rc'], data, rec['stdout'], rec['stderr'])
    assert found['kind'] == kind
    assert found['detail'].startswith(detail)


@pytest.mark.parametrize('name, request_id', [
    ('devices_approve_needs_admin', 'ffd4decb-53cf-4e2e-9aa3-15fe69c0a0e2'),
    ('devices_approve_needs_admin_2', '322c1fa8-ce73-4541-9662-c85a21cd348b'),
])
def test_failure_scope_upgrade_6_5(name, request_id):
    rec = helpers.recording('2026.6.5', name)
    assert rec['stdout'] == ''
    found = failure(rec['rc'], None, rec['stdout'], rec['stderr'])
    assert found['kind'] == 'scope_upgrade' and found['request_id'] == request_id
    assert 'asking for more scopes' in found['detail']


def test_failure_without_output():
    assert failure(3, None, '', '') == {'kind': 'other', 'detail': 'no output (exit code 3)', 'request_id': None}


def test_request_of_a_device_removed_in_this_run_is_rejected():
    # A stale allowed device that also asks for more (the node host runs again).
    state = listing('2026.9.6', 'devices_list_stale')
    repair = copy.deepcopy(state['pending'][0])
    repair.update(device_id=BOB, display_name='bob-phone', is_repair=True)
    state['pending'] = [repair]
    plan = make_plan(state, options(allowed=['alice-laptop', 'bob-phone'], stale_after_seconds=3600),
                     STALE_LAST_SEEN + 2 * 3600 * 1000)
    row = plan['pending'][0]
    assert row['decision'] == 'reject'
    assert row['reason'].startswith('its device is removed in this run (last seen 2 hours ago')
    assert kinds(plan) == [('reject', 'bob-phone'), ('remove', 'bob-phone')]


def test_state_database_rows_list_as_the_cli_does():
    """The device tables read at the moment of a real `devices list --json` give the same listing,
    but for the live connected flag the database does not hold."""
    rec = helpers.recording('2026.9.6', 'devices_store_paired_pending')
    tables = rec['tables']
    from_store = parse_listing(devices.listing_from_store(tables['device_pairing_paired']['rows'],
                                                          tables['device_pairing_pending']['rows']))
    from_cli = listing('2026.9.6', 'devices_list_store_twin')
    assert [device['connected'] for device in from_cli['paired']] == [False]
    assert [device['connected'] for device in from_store['paired']] == [None]
    for device in from_cli['paired'] + from_store['paired']:
        device.pop('connected')
    assert from_store == from_cli
    assert [device['display_name'] for device in from_store['paired']] == ['pi-node1']
    assert [request['display_name'] for request in from_store['pending']] == ['pi-node2']
    assert '<redacted>' not in json.dumps(from_store)


def test_state_database_rows_that_are_not_json_are_refused():
    row = dict(helpers.recording('2026.9.6', 'devices_store_paired_pending')['tables']['device_pairing_paired']['rows'][0],
               roles_json='[node')
    with pytest.raises(DevicesError, match='roles_json'):
        devices.listing_from_store([row], [])


def test_state_database_rows_with_a_node_surface_list_as_the_cli_does():
    tables = helpers.recording('2026.9.6', 'devices_store_node_surface')['tables']
    from_store = parse_listing(devices.listing_from_store(tables['device_pairing_paired']['rows'],
                                                          tables['device_pairing_pending']['rows']))
    from_cli = listing('2026.9.6', 'devices_list_store_node_surface_twin')
    assert [device['connected'] for device in from_cli['paired']] == [True]
    for device in from_cli['paired'] + from_store['paired']:
        device.pop('connected')
    assert from_store == from_cli
    assert from_store['paired'][0]['pending_node_surface'] == 'cd100060-5bca-4078-9ef9-90226cf510a5'
