#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_config
short_description: Apply config fragments to openclaw.json with validation, backup and an atomic write
version_added: 1.0.0
description:
  - Merges one or more fragments into OpenClaw's C(openclaw.json) the way C(openclaw config patch) does
    (objects merge, scalars and arrays replace, C(null) deletes), except that lists of objects keyed by
    C(id) (C(agents.list) on 2026.6) merge item by item. Keys no fragment names, including the user's
    own channel accounts, plugins and C(meta), are kept as they are.
  - Fragments are first translated for the host's OpenClaw version (keys that version no longer has are
    dropped or renamed with a visible warning).
  - Returns a per-path change list and a diff with secret values redacted.
  - In check mode it stops there. Otherwise it validates the candidate file with the host's own
    C(openclaw config validate), keeps a timestamped C(0600) backup of the live file, and replaces it
    atomically (temporary file in the same folder, fsync, rename), mode C(0600).
  - With O(write=stage) the validated file is left next to the live one and put in place by a second call with
    O(write=commit), so that a running Gateway can be stopped in between and never sees the new file while it
    runs.
  - OpenClaw does not start when nothing changes.
  - A file that is not strict JSON is never overwritten silently. Hand-written JSON5 is read through the
    JSON5 parser that ships with OpenClaw and rewritten only when I(allow_json5_rewrite) is set (comments
    are lost; a backup is kept). Files pulled in with C($include) are left alone and reported.
  - OpenClaw restores its last known good config when a new file looks suspect (C(meta) or
    C(gateway.mode) gone, or the file shrinking below half). The module keeps C(meta), adds it as the
    host's version writes it when it creates the file, and warns before a write that shrinks the file
    below half.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  path:
    description: Path of C(openclaw.json).
    type: path
    required: true
  fragments:
    description:
      - Config fragments to merge, in order. Each is a dict of the keys one role owns.
      - Write them in the form of the newest OpenClaw; they are translated for the host's version.
      - Required unless O(write=commit).
    type: list
    elements: dict
  write:
    description:
      - C(now) validates the new file, keeps the backup and replaces O(path), all in this call.
      - C(stage) does the same up to the backup, then leaves the validated file at C(<path>.clawfleet.staged)
        (mode C(0600), replacing an earlier one) instead of replacing O(path); RV(staged_file) says where. A running
        Gateway watches O(path), not that file; OpenClaw 2026.9.6 spends about 20 s of one core evaluating a
        changed O(path) while it runs, and a stop waits for that.
      - C(commit) puts a file left by C(stage) in place atomically and reads it back; nothing else.
        O(fragments) is not needed. It fails, changing nothing, when there is no staged file, when it is a link or
        belongs to another user, or when it is not the JSON that was staged.
      - In check mode C(stage) writes nothing, like C(now); C(commit) only reports whether a staged file is there.
    type: str
    choices: [now, stage, commit]
    default: now
  version:
    description: OpenClaw version the fragments are translated for. Read from the installed package when unset.
    type: str
  validate:
    description: Validate the candidate with C(openclaw config validate) before replacing the live file.
    type: bool
    default: true
  backup:
    description: Keep a timestamped copy of the live file (mode C(0600)) before replacing it.
    type: bool
    default: true
  backups_to_keep:
    description: How many of this module's backups to keep next to the file (the oldest are removed).
    type: int
    default: 10
  allow_json5_rewrite:
    description:
      - Allow rewriting a hand-written JSON5 file as plain JSON. Its comments and formatting are lost;
        the original is kept as a backup.
    type: bool
    default: false
  translate_existing:
    description:
      - Also translate the live file for O(version) with the collection's compat table (retired keys dropped,
        renamed keys moved, each with a warning), not only the fragments. The install role uses it when a host
        moves to another OpenClaw version.
    type: bool
    default: false
  openclaw_bin:
    description: Path of the C(openclaw) executable.
    type: path
  home:
    description: Home folder of the user OpenClaw runs as (C(HOME) for the validation run).
    type: path
  timeout:
    description: Seconds the validation may take.
    type: int
    default: 120
  private_dir:
    description:
      - A folder kept C(0700) in the same call, before anything is written (the state folder C(~/.openclaw), which
        holds the config, credentials and sessions); created when missing. A folder that belongs to another user
        than the one the module runs as, or is a link, fails the task with the fix, and nothing is written.
    type: path
attributes:
  check_mode:
    support: full
    description: Computes the merge, the change list and the diff, and whether O(private_dir) and the file's mode
      would change; writes nothing and starts no OpenClaw.
  diff_mode:
    support: full
    description: Before and after of the whole file, secrets redacted.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)), so the file keeps that owner.
seealso:
  - module: clawfleet.openclaw.openclaw_info
'''

EXAMPLES = r'''
- name: Apply the Gateway fragment
  clawfleet.openclaw.openclaw_config:
    path: /home/openclaw/.openclaw/openclaw.json
    home: /home/openclaw
    private_dir: /home/openclaw/.openclaw
    fragments:
      - gateway:
          mode: local
          bind: loopback
          port: 18789
          controlUi:
            enabled: false
  become: true
  become_user: openclaw
  register: applied

- name: Show what changed (secrets redacted)
  ansible.builtin.debug:
    var: applied.changes

# The config role's way under systemd: validate and stage, stop the Gateway,
# put the file in place, start the Gateway.
- name: Validate the new openclaw.json and leave it staged
  clawfleet.openclaw.openclaw_config:
    path: /home/openclaw/.openclaw/openclaw.json
    home: /home/openclaw
    write: stage
    fragments:
      - gateway:
          bind: loopback
  become: true
  become_user: openclaw
  register: staged

- name: Stop the Gateway before the new file goes in
  ansible.builtin.systemd_service:
    name: openclaw-gateway
    state: stopped
  become: true
  when: staged.staged_file is defined

- name: Put the staged openclaw.json in place
  clawfleet.openclaw.openclaw_config:
    path: /home/openclaw/.openclaw/openclaw.json
    write: commit
  become: true
  become_user: openclaw
  when: staged.staged_file is defined

- name: Start the Gateway on the new file
  ansible.builtin.systemd_service:
    name: openclaw-gateway
    state: started
  become: true
  when: staged.staged_file is defined
'''

RETURN = r'''
path:
  description: Path of the config file.
  returned: always
  type: str
  sample: /home/openclaw/.openclaw/openclaw.json
version:
  description: OpenClaw version the fragments were translated for.
  returned: unless O(write=commit)
  type: str
  sample: 2026.9.6
changes:
  description: One entry per changed path, values redacted.
  returned: unless O(write=commit)
  type: list
  elements: dict
  sample: [{path: gateway.bind, action: change, before: lan, after: loopback}]
content_changed:
  description: Whether the settings changed (as opposed to only the file mode or the mode of O(private_dir)).
  returned: unless O(write=commit)
  type: bool
  sample: true
compat_warnings:
  description: Keys dropped or translated for the host's version.
  returned: unless O(write=commit)
  type: list
  elements: str
  sample: ["gateway.controlUi.allowInsecureAuth dropped: OpenClaw 2026.9.6 no longer has it"]
backup_file:
  description: Path of the backup taken before the write (with O(write=stage), before the file was staged).
  returned: when a live file was replaced or a new one staged, and O(backup) is set
  type: str
  sample: /home/openclaw/.openclaw/openclaw.json.20261125T154210.clawfleet.bak
includes:
  description: Paths in the file that pull in other files with C($include); those files are not changed.
  returned: unless O(write=commit)
  type: list
  elements: str
  sample: []
validated:
  description: Whether the host's OpenClaw validated the written file.
  returned: unless O(write=commit)
  type: bool
  sample: true
gateway_port:
  description: C(gateway.port) of the resulting config (18789 when unset), for the port check that follows.
  returned: unless O(write=commit)
  type: int
  sample: 18789
private_dir:
  description: The change of O(private_dir)'s mode, as C({path, old, new}) with octal modes (C(old) null when it was
    created), or null when it already was C(0700) or no O(private_dir) was given.
  returned: unless O(write=commit)
  type: dict
  sample: {path: /home/openclaw/.openclaw, old: '0755', new: '0700'}
validation_warnings:
  description: Non-fatal warnings from C(openclaw config validate).
  returned: unless O(write=commit)
  type: list
  elements: dict
  sample: []
staged_file:
  description:
    - Where the validated file waits, with O(write=stage) when the settings changed.
    - With O(write=commit), the staged file that was put in place (or, in check mode, would be).
  returned: when a file was staged or committed
  type: str
  sample: /home/openclaw/.openclaw/openclaw.json.clawfleet.staged
'''

import datetime
import glob
import json
import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, package_root, parse_json_output)
from ansible_collections.clawfleet.openclaw.plugins.module_utils import private
from ansible_collections.clawfleet.openclaw.plugins.module_utils.compat import translate
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import (
    ConfigParseError, changes, dumps, find_includes, get_path, load_strict, looks_like_json5, merge_all, redact)

BACKUP_SUFFIX = '.clawfleet.bak'
STAGED_SUFFIX = '.clawfleet.staged'
# OpenClaw treats a file that shrinks below half of a last good copy of this size as suspect.
SHRINK_GUARD_BYTES = 512
DEFAULT_GATEWAY_PORT = 18789
LINKED_CONFIG = ('%s is a symlink; OpenClaw skips permission checks on linked configs. Replace it with a regular '
                 'file or point openclaw_config_path at the target.')

JSON5_READER = (
    "const {createRequire}=require('module');"
    "const req=createRequire(process.argv[1]+'/package.json');"
    "let text='';process.stdin.setEncoding('utf8');"
    "process.stdin.on('data',d=>text+=d).on('end',()=>{"
    "process.stdout.write(JSON.stringify(req('json5').parse(text)));});"
)


class ConfigFile(object):
    """The live file as read: its text, its data, and how it was parsed."""

    def __init__(self, path):
        self.path = path
        # lexists: a dangling link is a link, not a missing file.
        self.exists = os.path.lexists(path)
        self.text = ''
        self.json5 = False
        if self.exists:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                raise ConfigParseError(LINKED_CONFIG % path)
            with open(path, 'rb') as handle:
                raw = handle.read()
            try:
                self.text = raw.decode('utf-8')
            except UnicodeDecodeError as exc:
                raise ConfigParseError('%s is not UTF-8 text (%s); it was left untouched. Fix its encoding by hand.'
                                       % (path, exc))


def read_json5(module, cli, text):
    """Parse JSON5 with the parser bundled in the host's OpenClaw."""
    root = package_root(cli.binary)
    node = module.get_bin_path('node', opt_dirs=[os.path.dirname(os.path.realpath(cli.binary or ''))])
    if not root or not node:
        return None
    rc, out, err = module.run_command([node, '-e', JSON5_READER, root], data=text, binary_data=False,
                                      environ_update={'LC_ALL': 'C'}, check_rc=False)
    if rc != 0:
        return None
    return parse_json_output(out)


def load_live(module, cli, path, allow_json5):
    """Return (ConfigFile, data); fail without touching anything when the file cannot be read."""
    try:
        live = ConfigFile(path)
    except ConfigParseError as exc:
        module.fail_json(msg=str(exc))
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot read %s: %s. Check that it belongs to the user this task runs as '
                             '(openclaw_user).' % (path, exc))
    try:
        return live, load_strict(live.text)
    except ConfigParseError as exc:
        if not looks_like_json5(live.text):
            module.fail_json(msg='%s is not valid JSON and was left untouched: %s. Fix it by hand '
                                 '(or restore a backup), then run again.' % (path, exc))
        data = read_json5(module, cli, live.text)
        if not isinstance(data, dict):
            module.fail_json(msg='%s is neither JSON nor JSON5 that OpenClaw can read; left untouched: %s'
                                 % (path, exc))
        live.json5 = True
        return live, data


def write_candidate(folder, text):
    fd, candidate = tempfile.mkstemp(prefix='.openclaw.json.candidate.', dir=folder)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode('utf-8'))
        os.fsync(fd)
    finally:
        os.close(fd)
    return candidate


def validate_candidate(module, cli, candidate, timeout):
    try:
        result = cli.run(['config', 'validate', '--json'], json_output=True, config_path=candidate,
                         timeout=timeout, check=False)
    except OpenClawCLIError as exc:
        os.unlink(candidate)
        module.fail_json(msg='validation did not finish; the live file was not changed. %s' % exc)
    data = result.data if isinstance(result.data, dict) else {}
    if result.rc != 0 or data.get('valid') is False:
        os.unlink(candidate)
        issues = data.get('issues') or [{'path': '', 'message': (result.stderr or result.stdout).strip()}]
        listed = '; '.join('%s: %s' % (i.get('path', ''), i.get('message', '')) for i in issues)
        module.fail_json(msg='OpenClaw %s rejected the new config, so the live file was not changed: %s'
                             % (cli.version, listed), issues=issues)
    return data.get('warnings') or []


def take_backup(module, path, keep):
    stamp = datetime.datetime.now().strftime('%Y%m%dT%H%M%S%f')
    target = '%s.%s%s' % (path, stamp, BACKUP_SUFFIX)
    with open(path, 'rb') as source:
        content = source.read()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    old = sorted(glob.glob('%s.*%s' % (glob.escape(path), BACKUP_SUFFIX)))
    for stale in old[:-keep] if keep > 0 else []:
        os.unlink(stale)
    return target


def replace_atomically(candidate, path):
    os.rename(candidate, path)
    folder_fd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)


def commit_staged(module, path):
    """Put the file a `stage` call left in place, or fail and change nothing."""
    staged = path + STAGED_SUFFIX
    keep = '%s was not changed.' % path
    try:
        st = os.lstat(staged)
    except OSError:
        module.fail_json(msg='there is no staged file %s to put in place; %s Run openclaw_config with write: stage '
                             'first (the config role does), then commit.' % (staged, keep))
    if not stat.S_ISREG(st.st_mode):
        module.fail_json(msg='%s is not a regular file (a link?); it was not put in place and %s Remove it and run '
                             'the play again.' % (staged, keep))
    try:
        private.check_owner(staged, st, False)
    except private.PrivateError as exc:
        module.fail_json(msg='%s %s' % (keep, exc))
    if stat.S_IMODE(st.st_mode) != 0o600:
        module.fail_json(msg='%s has mode %04o, not the 0600 it was staged with; it was not put in place and %s '
                             'Remove it and run the play again.' % (staged, stat.S_IMODE(st.st_mode), keep))
    if os.path.islink(path):
        module.fail_json(msg='%s %s' % (LINKED_CONFIG % path, keep))
    try:
        with open(staged, 'rb') as handle:
            planned = load_strict(handle.read().decode('utf-8'))
        if not isinstance(planned, dict):
            raise ConfigParseError('not a JSON object')
    except (ConfigParseError, UnicodeDecodeError) as exc:
        module.fail_json(msg='%s is not the JSON that was staged (%s); it was not put in place and %s Remove it '
                             'and run the play again.' % (staged, exc, keep))
    result = dict(changed=True, path=path, staged_file=staged)
    if module.check_mode:
        module.exit_json(**result)
    try:
        replace_atomically(staged, path)
    except OSError as exc:
        module.fail_json(msg='could not put %s in place: %s; %s' % (staged, exc, keep))
    exit_after_reading_back(module, path, planned, 'the newest %s.*%s' % (path, BACKUP_SUFFIX), result)


def exit_after_reading_back(module, path, planned, backup, result):
    """Read back what landed, as a last check that the file says what was planned."""
    with open(path, 'rb') as handle:
        landed = json.loads(handle.read().decode('utf-8'))
    if landed != planned:
        module.fail_json(msg='%s does not hold the planned settings after the write; restore %s' % (path, backup),
                         **result)
    module.exit_json(**result)


def meta_for(version):
    """The ``meta`` block the host's OpenClaw writes when it creates a file."""
    meta = {'lastTouchedVersion': version}
    if version and version.startswith('2026.6.'):
        meta['lastTouchedAt'] = datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%S.000Z')
    return meta


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            fragments=dict(type='list', elements='dict'),
            write=dict(type='str', default='now', choices=['now', 'stage', 'commit']),
            version=dict(type='str'),
            validate=dict(type='bool', default=True),
            backup=dict(type='bool', default=True),
            backups_to_keep=dict(type='int', default=10),
            allow_json5_rewrite=dict(type='bool', default=False),
            translate_existing=dict(type='bool', default=False),
            openclaw_bin=dict(type='path'),
            home=dict(type='path'),
            timeout=dict(type='int', default=120),
            private_dir=dict(type='path'),
        ),
        required_if=[('write', 'now', ['fragments']), ('write', 'stage', ['fragments'])],
        supports_check_mode=True,
    )
    path = module.params['path']
    if module.params['write'] == 'commit':
        commit_staged(module, path)
    folder_change = None
    if module.params['private_dir']:
        try:
            folder_change = private.keep_private(module.params['private_dir'], 0o700, True, module.check_mode,
                                                 create=True)
        except (private.PrivateError, OSError) as exc:
            module.fail_json(msg='Cannot keep the state folder private (nothing was written): %s' % exc)
    if os.path.isfile(path) and not os.path.islink(path):
        try:
            private.check_owner(path, os.lstat(path), False)
        except private.PrivateError as exc:
            module.fail_json(msg='%s was not changed: %s' % (path, exc))
    cli = OpenClawCLI(module, binary=module.params['openclaw_bin'], home=module.params['home'],
                      timeout=module.params['timeout'])
    version = module.params['version'] or cli.version
    if module.params['validate'] and not module.check_mode and not cli.binary:
        cli.require_binary()

    live, before = load_live(module, cli, path, module.params['allow_json5_rewrite'])

    fragments, compat_warnings = [], []
    for fragment in module.params['fragments']:
        try:
            translated, warnings = translate(fragment, version)
        except (TypeError, ValueError) as exc:
            module.fail_json(msg='cannot translate a fragment for OpenClaw %s: %s' % (version, exc))
        fragments.append(translated)
        compat_warnings.extend(w for w in warnings if w not in compat_warnings)
    for warning in compat_warnings:
        module.warn(warning)

    base = before
    if module.params['translate_existing']:
        # An upgrade: keys the new version retired or renamed are rewritten in
        # the live file too, not only in the fragments.
        try:
            base, warnings = translate(before, version)
        except (TypeError, ValueError) as exc:
            module.fail_json(msg='cannot translate %s for OpenClaw %s: %s. Change that setting by hand, or set '
                                 'openclaw_install_translate_config: false and fix the file yourself.'
                                 % (path, version, exc))
        for warning in warnings:
            if warning not in compat_warnings:
                compat_warnings.append(warning)
                module.warn(warning)
    after = merge_all(base, fragments)
    if not live.exists and 'meta' not in after and version:
        after['meta'] = meta_for(version)
    # Compared as JSON text: Python's == takes 0 for false and 1 for true, OpenClaw's schema does not.
    content_changed = json.dumps(after, sort_keys=True) != json.dumps(before, sort_keys=True)
    change_list = changes(before, after)
    includes = find_includes(before)
    if includes:
        module.warn('%s pulls in other files with $include at %s; those files are not changed, and keys set '
                    'there are not managed by this run.' % (path, ', '.join(includes)))

    result = dict(changed=content_changed or folder_change is not None, path=path, version=version,
                  changes=change_list, private_dir=folder_change,
                  content_changed=content_changed, compat_warnings=compat_warnings, includes=includes,
                  validated=False, validation_warnings=[],
                  gateway_port=get_path(after, 'gateway.port') or DEFAULT_GATEWAY_PORT)
    if module._diff:
        result['diff'] = dict(before_header=path, after_header=path,
                              before=dumps(redact(before)) if live.exists else '',
                              after=dumps(redact(after)))

    if content_changed and live.json5 and not module.params['allow_json5_rewrite']:
        module.fail_json(msg='%s is hand-written JSON5 (comments or trailing commas) and %d setting(s) differ; '
                             'it was not rewritten. Apply the changes by hand, or set '
                             'openclaw_config_allow_json5_rewrite: true to let it be rewritten as JSON '
                             '(comments are lost, a backup is kept).' % (path, len(change_list)),
                         changes=change_list)
    if content_changed and live.json5:
        module.warn('%s was JSON5; it is rewritten as plain JSON and its comments are lost (backup kept).' % path)

    new_text = dumps(after)
    old_size, new_size = len(live.text.encode('utf-8')), len(new_text.encode('utf-8'))
    if content_changed and old_size >= SHRINK_GUARD_BYTES and new_size * 2 < old_size:
        module.warn('the new %s is less than half the size of the old one (%d -> %d bytes); OpenClaw may treat '
                    'it as suspect and restore its last good copy. Check the change list.'
                    % (path, old_size, new_size))

    if module.check_mode or not content_changed:
        if live.exists and not module.check_mode:
            file_args = module.load_file_common_arguments(dict(path=path, mode='0600'))
            result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'])
        elif live.exists and stat.S_IMODE(os.stat(path).st_mode) != 0o600:
            result['changed'] = True
        module.exit_json(**result)

    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    candidate = write_candidate(folder, new_text)
    if module.params['validate']:
        result['validation_warnings'] = validate_candidate(module, cli, candidate, module.params['timeout'])
        result['validated'] = True
        with open(candidate, 'rb') as handle:
            if handle.read().decode('utf-8') != new_text:
                os.unlink(candidate)
                module.fail_json(msg='the candidate file changed while OpenClaw validated it; the live file '
                                     'was not changed. Report this with your OpenClaw version (%s).' % version)
    if live.exists and module.params['backup']:
        result['backup_file'] = take_backup(module, path, module.params['backups_to_keep'])
    if module.params['write'] == 'stage':
        staged = path + STAGED_SUFFIX
        try:
            replace_atomically(candidate, staged)
        except OSError as exc:
            os.unlink(candidate)
            module.fail_json(msg='could not stage the new file as %s: %s; %s was not changed.' % (staged, exc, path))
        result['staged_file'] = staged
        module.exit_json(**result)
    try:
        replace_atomically(candidate, path)
    except OSError as exc:
        os.unlink(candidate)
        module.fail_json(msg='could not replace %s: %s' % (path, exc))

    exit_after_reading_back(module, path, after, result.get('backup_file', 'the backup'), result)


if __name__ == '__main__':
    main()
