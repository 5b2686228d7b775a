#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_backup
short_description: Back up OpenClaw, verify and prune the archives, and test a restore
version_added: 1.0.0
description:
  - The hardening guide's section 10 on one host. O(state=create) makes an archive in O(backup_dir) with
    C(openclaw backup create --output <backup_dir> --verify --json) where the host's OpenClaw has it (2026.6.5 and
    newer), else a tar.gz of the paths the guide lists (C(openclaw.json), the workspaces with their memory,
    C(memory), C(credentials), each agent's C(agents/<id>/agent) auth store, C(skills) written locally, C(secrets)
    and C(gateway.env)), written to a hidden temporary file and renamed into place, in OpenClaw's own layout (so
    OpenClaw's C(backup verify) and C(backup restore) accept it) with a SHA-256 of every file in its manifest.
    Archives are made C(0600); the folder, when the module creates it, C(0700).
  - O(state=verify) checks an archive (O(archive), or the newest in O(backup_dir)) with C(openclaw backup verify
    --json), or where the version has no such command by reading it to its end (gzip CRC), refusing absolute paths,
    C(..) steps, hard links and device files, and checking the manifest (exactly one, every asset present, every
    file's SHA-256 for this module's own archives). A damaged archive fails the task.
  - O(state=present) is the backups role's run in one call. It refuses a O(backup_dir) whose real path (links
    followed) is in the state folder, one of O(forbidden_dirs), the user's home itself, or matches O(public_pattern)
    outside the user's home, and a O(staging_dir) in the state folder. It keeps O(backup_dir) (and with
    O(private_parent) the folder above it) C(0700), creating it if missing, makes an archive as O(state=create) does
    (honouring O(max_age_hours)), verifies the newest archive when none was made and O(verify_existing) is set, makes
    every archive C(0600) and keeps the O(keep) newest as O(state=prune) does. It never changes an owner; a folder
    or archive that belongs to another user than the one the module runs as fails the task, with the C(chown) that
    fixes it, before anything is changed in it.
  - O(state=archive_state) is the guide's first warning, an archive of the whole state folder before hardening. It
    makes O(archive) (a C(.tar.gz) outside the state folder) with GNU C(tar), leaving out what OpenClaw fetches or
    rebuilds by itself (C(node_modules), the state folder's C(tmp) and C(cache)), unless that file exists already (one
    a day, when the name carries the date). The archive is written under a hidden temporary name and renamed into
    place once complete, so an interrupted run never leaves a partial archive that a later run would take for done;
    it is C(0600) in a C(0700) folder, created when missing. C(tar)'s warning that a file changed while it was read
    (exit status 1, OpenClaw writing its logs or database) is reported in RV(warnings_from_tar), the archive kept.
  - O(state=prune) keeps the O(keep) newest archives (C(*-openclaw-backup.tar.gz), by modification time) and
    deletes the others. Other files in the folder are never touched.
  - O(state=restore_test) is the guide's recovery test. It verifies the archive, restores it into a new, empty
    staging folder O(staging_dir) on the host (C(openclaw backup restore --target) where the version has it,
    2026.9.6; else a safe extraction that writes nothing outside the staging folder and does not create links that
    lead outside the archive, such as 2026.6.5's C(plugin-skills/) links; each is compared with the live link's
    target instead), then compares the restored
    tree file by file with the live state (content, type, mode, link targets), and returns each difference as
    expected (with the reason, from O(expected_differences) or the archive's own list of what it left out) or
    unexpected. It never writes into the live state, and removes the staging folder unless O(keep_staging).
  - Machine-local pairing identity (C(identity/), C(devices/), C(nodes/) of the state folder - the host's device
    key pair, the devices paired with its Gateway, node records) is left out of this module's own archives, so
    restoring one onto another host does not clone this host's identity. OpenClaw 2026.9 keeps that identity in
    C(state/openclaw.sqlite), which OpenClaw's own archive holds whole - see the notes.
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  state:
    description: What to do.
    type: str
    choices: [present, create, verify, prune, restore_test, archive_state]
    default: create
  backup_dir:
    description:
      - The folder of the archives, an absolute path outside the state folder (links resolved). Required for
        O(state=create) and O(state=prune), and for the others when O(archive) is not given.
    type: path
  archive:
    description:
      - The archive to verify or restore-test. Defaults to the newest archive in O(backup_dir).
      - For O(state=archive_state), required - the file to make, an absolute path ending in C(.tar.gz) outside the
        state folder.
    type: path
  keep:
    description: O(state=prune) keeps this many of the newest archives (1 or more).
    type: int
    default: 7
  method:
    description:
      - V(cli) uses OpenClaw's C(backup) commands, V(archive) this module's archive, check and extraction, V(auto)
        the CLI where the host's version has the command (create and verify from 2026.6.5, restore from 2026.9.6).
    type: str
    choices: [auto, cli, archive]
    default: auto
  include_workspace:
    description: Back up the agents' workspaces (V(false) passes C(--no-include-workspace)).
    type: bool
    default: true
  max_age_hours:
    description:
      - O(state=create) makes no archive when the newest one in O(backup_dir) is younger than this many hours, and
        reports no change. V(0) always makes one.
    type: float
    default: 0
  staging_dir:
    description:
      - O(state=restore_test) restores into this folder, which must not exist or be empty, outside the state folder.
        Its parent must exist. The module creates it C(0700).
    type: path
  keep_staging:
    description: Leave the restored tree in O(staging_dir) for a person to look at (it holds secrets; remove it).
    type: bool
    default: false
  expected_differences:
    description:
      - The differences a restore test expects, each with its reason. The first rule that matches a difference
        decides. Defaults to the built-in list, which the backups role also keeps in its vars (what the backup
        leaves out, databases written since, restored folders coming back C(0755), logs, entries changed since the
        backup was made).
      - What the archive's own manifest says it left out is always expected.
    type: list
    elements: dict
    suboptions:
      path:
        description:
          - A shell pattern on the path relative to the state folder; folders end in C(/), the state folder itself
            is C(./).
        type: str
        required: true
      kinds:
        description: The kinds of difference the rule covers; all when empty.
        type: list
        elements: str
        choices: [only_live, only_backup, content, mode, type, link, database]
      changed_since_backup:
        description:
          - Only when the live entry changed after the archive was made (for V(only_backup), when its live parent
            folder changed since).
        type: bool
        default: false
      reason:
        description: Why the difference is expected; shown in the result and in reports.
        type: str
        required: true
  fail_on_unexpected:
    description:
      - O(state=restore_test) fails when the archive cannot be verified or restored, or when there is an unexpected
        difference. V(false) returns RV(passed) and the differences without failing, for a report.
    type: bool
    default: true
  timeout:
    description: Seconds one OpenClaw CLI call may take.
    type: int
    default: 600
  private_parent:
    description: O(state=present) also keeps the folder above O(backup_dir) C(0700) (the role sets it when that folder
      is in the OpenClaw user's home, such as the guide's C(~/backups)).
    type: bool
    default: false
  verify_existing:
    description: O(state=present) verifies the newest archive again when it made none (a new archive is always
      verified as it is made).
    type: bool
    default: false
  prune_with_new_archive:
    description:
      - Whether O(state=present) keeps the O(keep) newest archives in the same call when it makes a new one.
      - V(false) leaves every older archive in place when a new one is made, for a later O(state=prune) call, and
        returns RV(prune_deferred). It is for a play that may still reject what the new archive holds, so that
        every older archive is still there if it does. C(playbooks/harden.yml) judges the Gateway on the new
        openclaw.json after the backup, and on a rollback removes the new archive. A call that makes no archive
        prunes as usual, and so does check mode (its report is the play's end state).
    type: bool
    default: true
  forbidden_dirs:
    description: O(state=present) refuses a O(backup_dir) whose real path is one of these folders (shared places such
      as C(/tmp) or C(/home)).
    type: list
    elements: path
    default: []
  public_pattern:
    description: O(state=present) refuses a O(backup_dir) whose real path matches this regular expression (places
      served to others, such as a web root) unless it is inside the user's home. Empty checks nothing.
    type: str
    default: ''
attributes:
  check_mode:
    support: full
    description:
      - O(state=present), O(state=create) and O(state=prune) report what they would create, delete or make private
        and change nothing.
        O(state=verify) and O(state=restore_test) run as usual; the restore test writes only its staging folder,
        which it removes.
  diff_mode:
    support: full
    description: For O(state=create) and O(state=prune), the archives in O(backup_dir) before and after; for
      O(state=present), each with its mode.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)).
  - The restored state folder comes back C(0755) from OpenClaw's restore (measured on 2026.9.6); make it C(0700) when
    activating a restore. Activation is by hand - stop the Gateway, move the restored folder into place, run
    C(openclaw doctor) - and is never done by this module.
  - Restoring onto another host - leave the pairing identity out - C(identity/), C(devices/) and C(nodes/) are not in
    this module's archives; from OpenClaw's own archive do not copy them, and on 2026.9 (identity in
    C(state/openclaw.sqlite)) run C(openclaw devices clear) on the new host and pair the devices again, so that the
    new host gets an identity of its own and the old host's devices are not trusted there.
  - OpenClaw 2026.6.5 writes its archives with the process umask (C(0644) measured); this module makes them C(0600).
seealso:
  - module: clawfleet.openclaw.openclaw_info
'''

EXAMPLES = r'''
- name: Private folder, a verified archive unless one of the last 24 hours exists, private archives, keep 7
  clawfleet.openclaw.openclaw_backup:
    state: present
    backup_dir: /home/openclaw/backups/openclaw
    private_parent: true
    max_age_hours: 24
    keep: 7
    forbidden_dirs: [/, /tmp, /var/tmp, /home]
  become: true
  become_user: openclaw

- name: Back up, unless an archive of the last 24 hours exists
  clawfleet.openclaw.openclaw_backup:
    state: create
    backup_dir: /home/openclaw/backups/openclaw
    max_age_hours: 24
  become: true
  become_user: openclaw

- name: Archive the whole state folder before hardening, once a day
  clawfleet.openclaw.openclaw_backup:
    state: archive_state
    archive: /home/openclaw/openclaw-backups/openclaw-state-20261201.tar.gz
  become: true
  become_user: openclaw

- name: Verify the newest archive
  clawfleet.openclaw.openclaw_backup:
    state: verify
    backup_dir: /home/openclaw/backups/openclaw

- name: Keep the 7 newest archives
  clawfleet.openclaw.openclaw_backup:
    state: prune
    backup_dir: /home/openclaw/backups/openclaw
    keep: 7

- name: Quarterly recovery test of the newest archive, for a report
  clawfleet.openclaw.openclaw_backup:
    state: restore_test
    backup_dir: /home/openclaw/backups/openclaw
    staging_dir: /home/openclaw/restore-test
    fail_on_unexpected: false
  register: restore_test
'''

RETURN = r'''
version:
  description: The host's OpenClaw version (from its package.json), or null when none was found.
  returned: always
  type: str
  sample: 2026.9.6
method:
  description: V(cli) or V(archive), the way this run made, verified or restored the archive.
  returned: when an archive was made, verified or restored
  type: str
  sample: cli
archive:
  description: The archive made (O(state=create), O(state=archive_state)), verified or restore-tested.
  returned: when there is one
  type: str
  sample: /home/openclaw/backups/openclaw/2026-11-30T10-48-23.643+00-00-openclaw-backup.tar.gz
created:
  description: Whether O(state=create), O(state=present) or O(state=archive_state) made an archive (in check mode,
    whether it would).
  returned: state is create, present or archive_state
  type: bool
warnings_from_tar:
  description: What C(tar) said when it exited 1 (a file changed while it was read); the archive was kept.
  returned: state is archive_state and tar warned
  type: bool
skipped_reason:
  description: Why O(state=create) made no archive.
  returned: when O(state=create) made none
  type: str
  sample: the newest archive is 2.1 hours old, younger than max_age_hours=24
verified:
  description: Whether the archive passed verification.
  returned: when an archive was verified
  type: bool
verify:
  description: What the verification said (OpenClaw's JSON, or this module's check) and its errors.
  returned: when an archive was verified
  type: dict
  sample: {ok: true, runtimeVersion: 2026.9.6, entryCount: 23, errors: []}
archives:
  description: The archives in O(backup_dir) after this run (in check mode, as they would be), newest first.
  returned: when O(backup_dir) is given
  type: list
  elements: dict
  contains:
    path:
      description: The archive.
      type: str
    size:
      description: Its size in bytes.
      type: int
    mtime:
      description: Its modification time (epoch seconds).
      type: float
    mode:
      description: Its permission bits, octal.
      type: str
pruned:
  description: Archives O(state=prune) or O(state=present) deleted (in check mode, would delete).
  returned: state is prune or present
  type: list
  elements: str
prune_deferred:
  description: O(state=present) made a new archive and left the pruning to a later O(state=prune) call
    (O(prune_with_new_archive=false)); RV(archives) lists every archive then.
  returned: state is present
  type: bool
verified_existing:
  description: O(state=present) verified the newest archive because it made none (O(verify_existing)).
  returned: when it did
  type: bool
changes:
  description:
    - One entry per archive made or deleted and per folder or archive made private (in check mode, that would be),
      as C({path, old, new}); for a mode, C(old) and C(new) are octal modes (C(old) null for a folder created).
  returned: always
  type: list
  elements: dict
  sample: [{path: /home/openclaw/backups/openclaw/old-openclaw-backup.tar.gz, old: present, new: absent}]
passed:
  description: O(state=restore_test) restored the archive and found no unexpected difference.
  returned: state is restore_test
  type: bool
restore_method:
  description: V(cli) (C(openclaw backup restore)) or V(archive) (this module's safe extraction).
  returned: state is restore_test and the archive was restored
  type: str
staging_dir:
  description: Where the archive was restored (removed again unless O(keep_staging)).
  returned: state is restore_test
  type: str
expected_differences:
  description: Differences between the restored tree and the live state that were expected, each with its reason.
  returned: state is restore_test
  type: list
  elements: dict
  contains:
    path:
      description: Path relative to the state folder (folders end in C(/)), or absolute for assets outside it.
      type: str
    kind:
      description: One of only_live, only_backup, content, mode, type, link.
      type: str
    reason:
      description: Why it was expected.
      type: str
  sample: [{path: state/openclaw.sqlite, kind: content, reason: "database: ..."}]
unexpected_differences:
  description: The other differences; any of them fails the restore test.
  returned: state is restore_test
  type: list
  elements: dict
  contains:
    path:
      description: As in RV(expected_differences).
      type: str
    kind:
      description: As in RV(expected_differences), or V(database) for a restored database failing its integrity check.
      type: str
    detail:
      description: What differs.
      type: str
  sample: [{path: workspace/AGENTS.md, kind: content, detail: the content differs (812 bytes in the backup, 790 live)}]
warnings_from_restore:
  description: The warnings C(openclaw backup restore) printed (time travel, channel ratchets, plugins to reinstall).
  returned: state is restore_test and the CLI restored the archive
  type: list
  elements: str
error:
  description: Why the restore test could not restore or verify the archive (O(fail_on_unexpected=false)).
  returned: when the restore test failed before comparing
  type: str
methods:
  description:
    - How this host makes, verifies and restores archives with the given O(method) - V(cli) or V(archive) for each of
      C(create), C(verify) and C(restore). The backups role schedules the same method.
  returned: always
  type: dict
  sample: {create: cli, verify: cli, restore: archive}
cli_calls:
  description: How many times the OpenClaw CLI was started.
  returned: always
  type: int
'''

import os
import re
import shutil
import stat
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import backup, private
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, host_argument_spec, user_home, current_user)


class Host(object):
    """The module's view of the host: paths, the CLI, and what was done."""

    def __init__(self, module):
        params = module.params
        self.module = module
        self.home = params['home'] or os.environ.get('HOME') or user_home(current_user())
        self.state_dir = params['state_dir'] or os.path.join(self.home, '.openclaw')
        self.config_path = params['config_path'] or os.path.join(self.state_dir, 'openclaw.json')
        self.cli = OpenClawCLI(module, binary=params['openclaw_bin'], home=self.home, config_path=self.config_path,
                               state_dir=self.state_dir, timeout=params['timeout'])
        self.calls = 0
        self.result = dict(changed=False, version=self.cli.version, changes=[], cli_calls=0)

    def run(self, args):
        self.calls += 1
        self.result['cli_calls'] = self.calls
        try:
            done = self.cli.run(args, check=False)
        except OpenClawCLIError as exc:
            raise backup.BackupError(str(exc))
        return done.rc, done.stdout, done.stderr

    def use_cli(self, command):
        method = self.module.params['method']
        if method == 'archive':
            return False
        if method == 'cli':
            self.cli.require_binary()
            return True
        return bool(self.cli.binary) and backup.cli_has(self.cli.version, command)

    def fail(self, msg, **extra):
        self.result.update(extra)
        self.module.fail_json(msg=msg, **self.result)


def archive_rows(backup_dir):
    return [dict(path=item['path'], size=item['size'], mtime=item['mtime'], mode=item['mode'])
            for item in backup.list_archives(backup_dir)]


def listing(rows):
    return ''.join('%s\n' % os.path.basename(row['path']) for row in rows)


def pick_archive(host):
    params = host.module.params
    if params['archive']:
        if not os.path.isfile(params['archive']):
            host.fail('The archive %s does not exist or is not a file. Give an existing archive, or leave archive '
                      'unset to use the newest in backup_dir.' % params['archive'])
        return params['archive']
    if not params['backup_dir']:
        host.fail('Give backup_dir (the folder of the archives) or archive.')
    found = backup.list_archives(params['backup_dir'])
    if not found:
        host.fail('No archive (*%s) in %s: make one first (state=create, or the backups role).'
                  % (backup.ARCHIVE_SUFFIX, params['backup_dir']))
    return found[0]['path']


def verify(host, archive):
    """Verify ``archive``; returns (method, report)."""
    if host.use_cli('verify'):
        return 'cli', backup.cli_verify(host.run, archive)
    checked = backup.check_archive(archive)
    checked.pop('manifest', None)
    return 'archive', checked


def make_private(path):
    if stat.S_IMODE(os.stat(path).st_mode) != 0o600:
        os.chmod(path, 0o600)


def do_create(host):
    params = host.module.params
    backup_dir = params['backup_dir']
    result = host.result
    result['created'] = False
    rows = archive_rows(backup_dir)
    if params['max_age_hours'] > 0 and rows:
        age = (time.time() - rows[0]['mtime']) / 3600.0
        if age < params['max_age_hours']:
            result.update(archives=rows, archive=rows[0]['path'],
                          skipped_reason='the newest archive is %.1f hours old, younger than max_age_hours=%s'
                                         % (age, params['max_age_hours']))
            return
    method = 'cli' if host.use_cli('create') else 'archive'
    result['method'] = method
    if not os.path.isdir(host.state_dir):
        host.fail('The OpenClaw state folder %s does not exist: nothing to back up. Check state_dir.' % host.state_dir)
    result.update(changed=True, created=True)
    pending = os.path.join(backup_dir, backup.archive_name())
    if host.module.check_mode:
        result['archives'] = [dict(path=pending, size=0, mtime=time.time(), mode='0600')] + rows
        result['changes'].append(dict(path=pending, old=None, new='archive (%s)' % method))
        set_diff(host, rows, result['archives'])
        return
    if not os.path.isdir(backup_dir):
        os.makedirs(backup_dir, 0o700)
        os.chmod(backup_dir, 0o700)
    if method == 'cli':
        made = backup.cli_create(host.run, backup_dir, params['include_workspace'])
        archive = made['archivePath']
        report = {'ok': True, 'errors': [], 'by': 'openclaw backup create --verify'}
    else:
        made = backup.create_archive(host.state_dir, backup_dir, host.cli.version, params['include_workspace'])
        archive = made['archivePath']
        dummy, report = verify(host, archive)
    if not os.path.isfile(archive):
        host.fail('OpenClaw reported the archive %s, but there is no such file.' % archive)
    make_private(archive)
    result.update(archive=archive, verified=report['ok'], verify=report)
    if not report['ok']:
        host.fail('The new archive %s failed verification: %s. Keep the older archives; find out what damaged it '
                  '(disk full, the folder changing while it was written) and back up again.'
                  % (archive, '; '.join(report['errors'])))
    after = archive_rows(backup_dir)
    result['archives'] = after
    result['changes'].append(dict(path=archive, old=None, new='archive (%s)' % method))
    set_diff(host, rows, after)


def set_diff(host, before, after):
    if host.module._diff and host.module.params['state'] != 'present':
        folder = host.module.params['backup_dir']
        host.result['diff'] = dict(before_header='%s (archives)' % folder, after_header='%s (archives)' % folder,
                                   before=listing(before), after=listing(after))


def do_verify(host):
    archive = pick_archive(host)
    method, report = verify(host, archive)
    host.result.update(archive=archive, method=method, verified=report['ok'], verify=report)
    if host.module.params['backup_dir']:
        host.result['archives'] = archive_rows(host.module.params['backup_dir'])
    if not report['ok']:
        host.fail('Archive %s failed verification: %s. It cannot be restored: make a new backup now, keep this '
                  'file aside to find out what damaged it, and do not prune the older archives until a new one '
                  'verifies.' % (archive, '; '.join(report['errors'])))


def do_prune(host, rows=None):
    params = host.module.params
    if rows is None:
        rows = archive_rows(params['backup_dir'])
    try:
        kept, pruned = backup.select_prune(rows, params['keep'])
    except backup.BackupError as exc:
        host.fail(str(exc))
    host.result['pruned'] = [row['path'] for row in pruned]
    host.result['changes'].extend(dict(path=row['path'], old='present', new='absent') for row in pruned)
    host.result['changed'] = host.result['changed'] or bool(pruned)
    if not host.module.check_mode:
        for row in pruned:
            os.unlink(row['path'])
    host.result['archives'] = kept
    set_diff(host, rows, kept)


def refuse_resolved(host):
    """Refuse a backup or staging folder whose real path is in the state folder or a shared place."""
    params = host.module.params
    real_dir = os.path.realpath(params['backup_dir'])
    real_home = os.path.realpath(host.home)
    shared = [os.path.normpath(folder) for folder in params['forbidden_dirs']]
    # A folder in the OpenClaw user's own home is as private as that home.
    public = bool(params['public_pattern']) and re.search(params['public_pattern'], real_dir) is not None
    if real_dir in shared or real_dir == real_home or (public and not backup.inside(real_dir, real_home)):
        host.fail('backup_dir %s resolves to %s, a shared or world-readable place: backups hold the config, '
                  'credentials and memory. Choose a folder of its own outside it, e.g. %s (links are followed).'
                  % (params['backup_dir'], real_dir, os.path.join(host.home, 'backups', 'openclaw')))
    if params['staging_dir']:
        try:
            backup.check_outside_state(params['staging_dir'], host.state_dir, 'The staging folder')
        except backup.BackupError as exc:
            host.fail(str(exc))


def keep(host, path, mode, folder, create=False):
    try:
        change = private.keep_private(path, mode, folder, host.module.check_mode, create=create)
    except (private.PrivateError, OSError) as exc:
        host.fail('Cannot keep %s private: %s' % (path, exc))
    if change:
        host.result['changes'].append(change)
        host.result['changed'] = True


def do_present(host):
    """The backups role's run in one call: private folders, a verified archive, private archives, retention."""
    params = host.module.params
    backup_dir = params['backup_dir']
    result = host.result
    refuse_resolved(host)
    before = archive_rows(backup_dir)
    if params['private_parent']:
        keep(host, os.path.dirname(backup_dir.rstrip('/')), 0o700, True, create=True)
    keep(host, backup_dir, 0o700, True, create=True)
    do_create(host)
    if not result['created'] and params['verify_existing'] and result.get('archive'):
        method, report = verify(host, result['archive'])
        result.update(method=method, verified=report['ok'], verify=report, verified_existing=True)
        if not report['ok']:
            host.fail('The newest archive %s failed verification: %s. It cannot be restored: make a new backup now '
                      '(max_age_hours=0), keep this file aside to find out what damaged it, and do not prune the '
                      'older archives until a new one verifies.' % (result['archive'], '; '.join(report['errors'])))
    rows = result.get('archives') or archive_rows(backup_dir)
    for row in rows:
        if row['mode'] != '0600' and os.path.exists(row['path']):
            keep(host, row['path'], 0o600, False)
            row['mode'] = '0600'
    # Check mode changes nothing to reject later: its prediction prunes at once, as the play's end state will.
    result['prune_deferred'] = (bool(result['created']) and not params['prune_with_new_archive']
                                and not host.module.check_mode)
    if result['prune_deferred']:
        result.update(archives=rows, pruned=[])
    else:
        do_prune(host, rows)
    if host.module._diff:
        after = result['archives']
        result['diff'] = dict(
            before_header='%s (archives)' % backup_dir, after_header='%s (archives)' % backup_dir,
            before=''.join('%s %s\n' % (os.path.basename(row['path']), row['mode']) for row in before),
            after=''.join('%s %s\n' % (os.path.basename(row['path']), row['mode']) for row in after))


def do_archive_state(host):
    """The whole state folder into ``archive`` unless it exists: tar to a hidden name, then rename."""
    module = host.module
    archive = module.params['archive']
    result = host.result
    result.update(archive=archive, created=False)
    if not archive or not os.path.isabs(archive) or not archive.endswith('.tar.gz'):
        host.fail('archive must be an absolute path ending in .tar.gz for state=archive_state, got %s.' % archive)
    try:
        backup.check_outside_state(archive, host.state_dir, 'The archive')
    except backup.BackupError as exc:
        host.fail(str(exc))
    if not os.path.isdir(host.state_dir):
        host.fail('The OpenClaw state folder %s does not exist: nothing to archive. Check state_dir.' % host.state_dir)
    keep(host, os.path.dirname(archive), 0o700, True, create=True)
    if os.path.lexists(archive):
        keep(host, archive, 0o600, False)
        return
    result.update(changed=True, created=True)
    result['changes'].append(dict(path=archive, old=None, new='archive of %s' % host.state_dir))
    if module.check_mode:
        return
    folder, name = os.path.split(archive)
    partial = os.path.join(folder, '.%s.partial' % name)
    base = os.path.basename(host.state_dir.rstrip('/'))
    argv = [module.get_bin_path('tar', required=True), '--create', '--gzip', '--file', partial]
    argv += ['--exclude=node_modules', '--exclude=%s/tmp' % base, '--exclude=%s/cache' % base]
    argv += ['--directory', os.path.dirname(host.state_dir.rstrip('/')), base]
    old_umask = os.umask(0o077)
    try:
        rc, out, err = module.run_command(argv, check_rc=False)
    finally:
        os.umask(old_umask)
    if rc not in (0, 1):
        if os.path.exists(partial):
            os.unlink(partial)
        host.fail('tar could not archive %s (rc %d): %s. No archive was written; free space in %s or fix the error, '
                  'then run again.' % (host.state_dir, rc, (err or out).strip(), folder))
    if rc == 1:
        result['warnings_from_tar'] = (err or out).strip()
    os.chmod(partial, 0o600)
    os.rename(partial, archive)


def remove_tree(path):
    """Remove a restored tree, whatever modes it came back with."""
    if not os.path.lexists(path):
        return
    for folder, dirs, dummy in os.walk(path, followlinks=False):
        for name in dirs:
            child = os.path.join(folder, name)
            if not os.path.islink(child):
                os.chmod(child, 0o700)
    os.chmod(path, 0o700)
    shutil.rmtree(path)


def do_restore_test(host):
    params = host.module.params
    result = host.result
    staging = params['staging_dir']
    result.update(passed=False, staging_dir=staging, expected_differences=[], unexpected_differences=[])
    if not os.path.isabs(staging):
        host.fail('staging_dir must be an absolute path, got %s.' % staging)
    try:
        backup.check_outside_state(staging, host.state_dir, 'The staging folder')
    except backup.BackupError as exc:
        host.fail(str(exc))
    if os.path.lexists(staging) and (not os.path.isdir(staging) or os.path.islink(staging) or os.listdir(staging)):
        host.fail('The staging folder %s exists and is not an empty folder: the restore test needs a fresh one and '
                  'never deletes what it did not create. Remove it or choose another staging_dir.' % staging)
    if not os.path.isdir(os.path.dirname(staging.rstrip('/'))):
        host.fail('The parent of staging_dir %s does not exist.' % staging)
    archive = pick_archive(host)
    result['archive'] = archive
    made = not os.path.lexists(staging)
    if made:
        os.mkdir(staging, 0o700)
    os.chmod(staging, 0o700)
    target = os.path.join(staging, 'restore')
    try:
        try:
            method, report = verify(host, archive)
            result.update(verified=report['ok'], verify=report, method=method)
            if not report['ok']:
                raise backup.BackupError('Archive %s failed verification: %s. It cannot be restored; make a new '
                                         'backup and find out what damaged this one.'
                                         % (archive, '; '.join(report['errors'])))
            outside_links = {}
            if host.use_cli('restore'):
                restored = backup.cli_restore(host.run, archive, target)
                result.update(restore_method='cli', warnings_from_restore=restored.get('warnings') or [])
            else:
                os.mkdir(target, 0o700)
                outside_links = backup.safe_extract(archive, target)['outsideLinks']
                result['restore_method'] = 'archive'
            root, manifest = backup.read_manifest(target)
            since = backup.backup_time_of(manifest, archive)
            result['backup_created_at'] = manifest.get('createdAt')
            for restored_root, live_root in backup.restored_roots(target, manifest):
                expected, unexpected = backup.compare_trees(
                    restored_root, live_root, since, params['expected_differences'],
                    backup.left_out_of(manifest, live_root),
                    backup.links_below(outside_links, target, restored_root))
                if os.path.realpath(live_root) != os.path.realpath(host.state_dir):
                    for item in expected + unexpected:
                        item['path'] = os.path.join(live_root, item['path'])
                result['expected_differences'].extend(expected)
                result['unexpected_differences'].extend(unexpected)
        except (backup.BackupError, OSError, ValueError) as exc:
            result['error'] = str(exc)
    finally:
        if not params['keep_staging']:
            if made:
                remove_tree(staging)
            else:
                remove_tree(target)
    result['passed'] = 'error' not in result and not result['unexpected_differences']
    if not result['passed'] and params['fail_on_unexpected']:
        if 'error' in result:
            host.fail('Restore test of %s failed: %s' % (archive, result['error']))
        shown = ['%s (%s: %s)' % (item['path'], item['kind'], item['detail'])
                 for item in result['unexpected_differences'][:10]]
        host.fail('Restore test of %s: %d unexpected difference(s) between the restored archive and the live state: '
                  '%s. A file that did not change since the backup must come back identical; find out why these '
                  'differ, or list them in expected_differences with a reason.'
                  % (archive, len(result['unexpected_differences']), '; '.join(shown)))


def main():
    argument_spec = dict(
        state=dict(type='str', choices=['present', 'create', 'verify', 'prune', 'restore_test', 'archive_state'],
                   default='create'),
        backup_dir=dict(type='path'),
        archive=dict(type='path'),
        keep=dict(type='int', default=7),
        method=dict(type='str', choices=['auto', 'cli', 'archive'], default='auto'),
        include_workspace=dict(type='bool', default=True),
        max_age_hours=dict(type='float', default=0),
        staging_dir=dict(type='path'),
        keep_staging=dict(type='bool', default=False),
        expected_differences=dict(type='list', elements='dict', options=dict(
            path=dict(type='str', required=True),
            kinds=dict(type='list', elements='str', choices=list(backup.KINDS)),
            changed_since_backup=dict(type='bool', default=False),
            reason=dict(type='str', required=True),
        )),
        fail_on_unexpected=dict(type='bool', default=True),
        timeout=dict(type='int', default=600),
        private_parent=dict(type='bool', default=False),
        verify_existing=dict(type='bool', default=False),
        prune_with_new_archive=dict(type='bool', default=True),
        forbidden_dirs=dict(type='list', elements='path', default=[]),
        public_pattern=dict(type='str', default=''),
    )
    argument_spec.update(host_argument_spec())
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_if=[('state', 'present', ['backup_dir']), ('state', 'create', ['backup_dir']),
                     ('state', 'prune', ['backup_dir']), ('state', 'archive_state', ['archive']),
                     ('state', 'restore_test', ['staging_dir'])],
        supports_check_mode=True,
    )
    host = Host(module)
    params = module.params
    host.result['methods'] = dict((command, 'cli' if host.use_cli(command) else 'archive')
                                  for command in ('create', 'verify', 'restore'))
    if params['backup_dir']:
        if not os.path.isabs(params['backup_dir']):
            host.fail('backup_dir must be an absolute path, got %s.' % params['backup_dir'])
        try:
            backup.check_outside_state(params['backup_dir'], host.state_dir, 'backup_dir')
        except backup.BackupError as exc:
            host.fail(str(exc))
    if params['keep'] < 1:
        host.fail('keep must be 1 or more, got %d: retention never deletes the newest archive.' % params['keep'])
    if params['expected_differences'] is not None:
        try:
            backup.normalize_rules(params['expected_differences'])
        except backup.BackupError as exc:
            host.fail(str(exc))
    try:
        {'present': do_present, 'create': do_create, 'verify': do_verify, 'prune': do_prune,
         'archive_state': do_archive_state,
         'restore_test': do_restore_test}[params['state']](host)
    except backup.BackupError as exc:
        host.fail(str(exc))
    except OSError as exc:
        host.fail('%s failed on %s: %s' % (params['state'], getattr(exc, 'filename', None) or 'the host', exc))
    module.exit_json(**host.result)


if __name__ == '__main__':
    main()
