#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_retention
short_description: Prune old OpenClaw session transcripts and media, and list daily memory files to review
version_added: 1.0.0
description:
  - Applies the retention table of the hardening guide to files in the OpenClaw state folder O(state_dir) -
    session transcripts older than O(session_days) days and media older than O(media_days) days are deleted, and
    daily memory files (C(memory/YYYY-MM-DD.md)) are never deleted but listed for review when they are larger
    than O(memory_review_bytes) or older than O(memory_review_days) days.
  - Age is the file's modification time, as OpenClaw's own media sweep measures it.
  - The folders are given relative to O(state_dir), with shell wildcards (C(agents/*/sessions)). Nothing outside
    the state folder is ever deleted. A folder that points outside it (an absolute path elsewhere, a C(..)
    step, a symbolic link) is refused and the module fails before it deletes anything. Symbolic links met while
    scanning are skipped and listed in RV(not_followed), never followed and never deleted; every folder is opened
    without following links, so a link swapped in while the module runs is not followed either.
  - Session folders are scanned one level deep and only files matching O(session_patterns) are candidates; media
    folders are scanned recursively, leaving out the subfolders named in O(media_exclude). Some files are never
    deleted whatever the patterns say - C(sessions.json), C(openclaw.json*), SQLite databases, C(.env) and daily
    memory files - and folders named C(memory) are never entered.
  - Folders that do not exist are skipped. Emptied folders are kept.
  - In check mode, or with O(delete=false), it lists in RV(would_delete) exactly what would be deleted and deletes
    nothing.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  state_dir:
    description: The OpenClaw state folder (C(~/.openclaw)), an absolute path. Its real path is the boundary.
    type: path
    required: true
  session_dirs:
    description:
      - Folders holding session transcripts, relative to O(state_dir), wildcards allowed. OpenClaw 2026.6 keeps
        transcripts there as C(<session id>.jsonl); OpenClaw 2026.9 keeps them in each agent's SQLite database and
        only archives (C(*.jsonl.reset.*), C(*.jsonl.deleted.*)) as files there.
      - An empty list prunes no sessions.
    type: list
    elements: str
    default: ['agents/*/sessions']
  session_patterns:
    description: Names of the files in O(session_dirs) that may be deleted (shell wildcards).
    type: list
    elements: str
    default: ['*.jsonl', '*.jsonl.reset.*', '*.jsonl.deleted.*', '*.trajectory-path.json']
  session_days:
    description: Delete session files not modified for this many days.
    type: int
    default: 30
  media_dirs:
    description:
      - Folders holding media and uploads, relative to O(state_dir), wildcards allowed; scanned recursively.
      - An empty list prunes no media.
    type: list
    elements: str
    default: ['media']
  media_exclude:
    description:
      - Names of subfolders of each media folder that are left alone. OpenClaw 2026.9 keeps managed outgoing
        attachments (C(outgoing), tracked in its database) and playback renditions (C(playback-transcode), a
        fixed seven-day cache) there, and prunes them itself.
    type: list
    elements: str
    default: ['outgoing', 'playback-transcode']
  media_days:
    description: Delete media files not modified for this many days.
    type: int
    default: 7
  memory_dirs:
    description:
      - Folders holding daily memory files, scanned recursively for C(YYYY-MM-DD.md) and C(YYYY-MM-DD-<slug>.md).
        Relative to O(state_dir), wildcards allowed, or absolute for a workspace kept elsewhere (only read).
      - Nothing in them is ever deleted.
    type: list
    elements: str
    default: ['workspace/memory', 'workspace-*/memory']
  memory_review_bytes:
    description: List a daily memory file larger than this many bytes for review.
    type: int
    default: 262144
  memory_review_days:
    description: List a daily memory file older than this many days for review (its date is the one in its name).
    type: int
    default: 90
  delete:
    description: V(false) only reports the files past their retention, like check mode, and deletes none; the modes of
      O(log_dir) are set all the same.
    type: bool
    default: true
  log_dir:
    description:
      - The folder of OpenClaw's log file, kept C(0700) (created when missing, before OpenClaw creates it C(0755)),
        with the files in it matching O(log_patterns) kept C(0600), in the same call. Unset leaves logs alone.
      - A folder or log file that belongs to another user than the one the module runs as fails the task with the
        C(chown) that fixes it; nothing is pruned then.
    type: path
  log_patterns:
    description: Names of the log files in O(log_dir) (shell wildcards), the current one and its rotated archives.
    type: list
    elements: str
    default: ['openclaw*.log']
attributes:
  check_mode:
    support: full
    description: Lists what would be deleted in RV(would_delete) and the modes it would set in RV(private), and
      changes nothing.
  diff_mode:
    support: full
    description: The diff lists the files that are (or would be) deleted, one per line, and the log folder and files
      whose mode is (or would be) changed, with the old and the new mode.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)).
  - OpenClaw prunes sessions and media itself as well (C(session.maintenance), C(attachments.ttlHours) or
    C(media.ttlHours)) while its Gateway runs; this module makes the same cut on the files whether it runs or not.
seealso:
  - module: clawfleet.openclaw.openclaw_info
'''

EXAMPLES = r'''
- name: Prune sessions after 30 days and media after 7, list memory files to review
  clawfleet.openclaw.openclaw_retention:
    state_dir: /home/openclaw/.openclaw
  register: retention

- name: Show what a run would delete, without deleting
  clawfleet.openclaw.openclaw_retention:
    state_dir: /home/openclaw/.openclaw
    session_days: 14
    delete: false

- name: Keep the log folder and the log files private as well
  clawfleet.openclaw.openclaw_retention:
    state_dir: /home/openclaw/.openclaw
    log_dir: /tmp/openclaw
    log_patterns: ['openclaw*.log']

- name: A workspace kept outside the state folder (its memory files are only read)
  clawfleet.openclaw.openclaw_retention:
    state_dir: /home/openclaw/.openclaw
    memory_dirs:
      - workspace/memory
      - /srv/agents/household/memory
'''

RETURN = r'''
state_dir:
  description: The real path of the state folder, the boundary of every deletion.
  returned: always
  type: str
  sample: /home/openclaw/.openclaw
deleted:
  description: Files deleted by this run.
  returned: always
  type: list
  elements: str
  sample: [/home/openclaw/.openclaw/agents/main/sessions/0c9e7d1a.jsonl]
would_delete:
  description: Files past their retention that were not deleted (check mode or O(delete=false)); empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [/home/openclaw/.openclaw/media/inbound/photo---4f1c.jpg]
bytes_freed:
  description: Total size of RV(deleted), or of RV(would_delete) when nothing was deleted.
  returned: always
  type: int
  sample: 1048576
memory_review:
  description: Daily memory files to review (kept), largest and oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    bytes:
      description: Its size.
      type: int
    age_days:
      description: Days since the date in its name (or since it was modified).
      type: int
    reasons:
      description: V(size), V(age) or both.
      type: list
      elements: str
  sample:
    - {path: /home/openclaw/.openclaw/workspace/memory/2026-01-04.md, bytes: 300112, age_days: 325, reasons: [size, age]}
private:
  description: The log folder and log files whose mode was (in check mode, would be) made private, as C({path, old,
    new}) with octal modes (C(old) null for a folder created).
  returned: always
  type: list
  elements: dict
  sample: [{path: /tmp/openclaw/openclaw-2026-11-30.log, old: '0644', new: '0600'}]
not_followed:
  description: Entries that were not followed or not considered, with the reason.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The entry.
      type: str
    reason:
      description: Why it was skipped.
      type: str
  sample:
    - {path: /home/openclaw/.openclaw/media/archive, reason: symbolic link, not followed}
'''

import datetime
import errno
import fnmatch
import os
import re
import stat
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import private

DAY = 86400
DAILY_MEMORY = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:-[^/]*)?\.md$')
# OpenClaw's own stores and secrets: never retention material, whatever a pattern says.
NEVER_DELETE = ('sessions.json', 'openclaw.json*', '*.sqlite', '*.sqlite-*', '*.sqlite.*', '.env', 'auth-profiles.json')
# Top-level folders of the state folder that hold credentials, identities,
# databases, plugins or the agents' workspaces.
PROTECTED_TOP = ('credentials', 'identity', 'secrets', 'state', 'extensions', 'npm', 'logs', 'workspace*', 'backups')
WILDCARDS = re.compile(r'[*?\[]')
OPEN_DIR = os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)


class Refused(Exception):
    pass


def _matches(name, patterns):
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def _inside(path, root):
    return path == root or path.startswith(root.rstrip('/') + '/')


def relative_parts(state_dir, root, entry, what):
    """The steps of a configured folder below the state folder; refuses anything that leaves it."""
    if not isinstance(entry, str) or not entry.strip():
        raise Refused('%s has an empty entry; give folders relative to the state folder, such as media.' % what)
    text = entry.strip()
    if os.path.isabs(text):
        normal = os.path.normpath(text)
        for base in (os.path.normpath(state_dir), root):
            if _inside(normal, base):
                text = os.path.relpath(normal, base)
                break
        else:
            raise Refused('%s has %s, which is outside the OpenClaw state folder %s: this module deletes nothing '
                          'outside it. Give a folder inside it, relative to it (e.g. media).' % (what, entry, root))
    parts = [part for part in text.split('/') if part not in ('', '.')]
    if '..' in parts:
        raise Refused('%s has %s: ".." leaves the OpenClaw state folder %s; give a folder inside it.' % (what, entry, root))
    return parts


def check_not_protected(parts, entry, what, root):
    """Refuse the state folder itself, its protected top folders and the agents' private folders."""
    if not parts:
        raise Refused('%s has %s, the whole state folder %s: name the folder that holds the files '
                      '(e.g. media, agents/*/sessions).' % (what, entry, root))
    if _matches(parts[0], PROTECTED_TOP) or (parts[0] == 'agents' and (len(parts) < 3 or parts[2] == 'agent')):
        raise Refused('%s has %s, which holds OpenClaw credentials, databases, plugins, logs or workspaces, not '
                      'retention material: name the folder that holds the files (e.g. media, agents/*/sessions).'
                      % (what, entry))
    if 'memory' in parts:
        raise Refused('%s has %s: daily memory files are reviewed, never deleted (memory_dirs lists them).'
                      % (what, entry))


def open_root(path):
    return os.open(path, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_CLOEXEC', 0))


def resolve_dirs(root, root_fd, parts, entry, what, skipped, refuse_links):
    """Open the folders a configured entry names, step by step, without following links.

    Returns ``[(relative path, fd)]``. A literal step that is a link to
    outside the state folder raises :class:`Refused` (when ``refuse_links``);
    links inside it, and links matched by a wildcard, are skipped.
    """
    current = [('', os.dup(root_fd))]
    for step in parts:
        following = []
        for rel, fd in current:
            try:
                if WILDCARDS.search(step):
                    names = sorted(name for name in os.listdir(fd) if fnmatch.fnmatchcase(name, step))
                else:
                    names = [step]
                for name in names:
                    child_rel = os.path.join(rel, name) if rel else name
                    try:
                        info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    except OSError as exc:
                        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                            continue
                        raise
                    if stat.S_ISLNK(info.st_mode):
                        full = os.path.join(root, child_rel)
                        target = os.path.realpath(full)
                        if refuse_links and not WILDCARDS.search(step) and not _inside(target, root):
                            raise Refused('%s has %s, but %s is a symbolic link to %s, outside the OpenClaw state folder '
                                          '%s: refused, nothing was deleted. Point the setting at a real folder inside '
                                          'the state folder.' % (what, entry, full, target, root))
                        skipped.append({'path': full, 'reason': 'symbolic link, not followed'})
                        continue
                    if not stat.S_ISDIR(info.st_mode):
                        continue
                    following.append((child_rel, os.open(name, OPEN_DIR, dir_fd=fd)))
            finally:
                os.close(fd)
        current = following
    return current


def entries(fd):
    """``(name, lstat)`` of each entry of an open folder, in order; entries removed meanwhile are left out."""
    for name in sorted(os.listdir(fd)):
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                continue
            raise
        yield name, info


def scan_files(root, rel, fd, cutoff, patterns, recursive, exclude, skipped, found, depth=0):
    """Regular files under an open folder modified before ``cutoff``: ``(rel path, size, mtime)``."""
    for name, info in entries(fd):
        child_rel = os.path.join(rel, name)
        if stat.S_ISLNK(info.st_mode):
            skipped.append({'path': os.path.join(root, child_rel), 'reason': 'symbolic link, not followed'})
            continue
        if stat.S_ISDIR(info.st_mode):
            if not recursive or name == 'memory' or (depth == 0 and _matches(name, exclude)):
                continue
            child_fd = os.open(name, OPEN_DIR, dir_fd=fd)
            try:
                scan_files(root, child_rel, child_fd, cutoff, patterns, recursive, exclude, skipped, found, depth + 1)
            finally:
                os.close(child_fd)
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if patterns is not None and not _matches(name, patterns):
            continue
        if _matches(name, NEVER_DELETE) or DAILY_MEMORY.match(name):
            continue
        if info.st_mtime < cutoff:
            found.append((child_rel, info.st_size, info.st_mtime, info.st_ino))


def delete_file(root_fd, rel, inode, cutoff):
    """Unlink one file, reopening its folders without following links; False when it changed meanwhile."""
    parts = rel.split('/')
    fd = os.dup(root_fd)
    try:
        for step in parts[:-1]:
            child = os.open(step, OPEN_DIR, dir_fd=fd)
            os.close(fd)
            fd = child
        try:
            info = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return False
            raise
        if not stat.S_ISREG(info.st_mode) or info.st_ino != inode or info.st_mtime >= cutoff:
            return False
        os.unlink(parts[-1], dir_fd=fd)
        return True
    finally:
        os.close(fd)


def memory_age_days(name, mtime, now):
    match = DAILY_MEMORY.match(name)
    try:
        day = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        today = datetime.date.fromtimestamp(now)
        return (today - day).days
    except ValueError:
        return int((now - mtime) // DAY)


def scan_memory(fd, path, now, max_bytes, max_days, skipped, review):
    for name, info in entries(fd):
        child = os.path.join(path, name)
        if stat.S_ISLNK(info.st_mode):
            skipped.append({'path': child, 'reason': 'symbolic link, not followed'})
        elif stat.S_ISDIR(info.st_mode):
            child_fd = os.open(name, OPEN_DIR, dir_fd=fd)
            try:
                scan_memory(child_fd, child, now, max_bytes, max_days, skipped, review)
            finally:
                os.close(child_fd)
        elif stat.S_ISREG(info.st_mode) and DAILY_MEMORY.match(name):
            age = memory_age_days(name, info.st_mtime, now)
            reasons = []
            if info.st_size > max_bytes:
                reasons.append('size')
            if age > max_days:
                reasons.append('age')
            if reasons:
                review.append({'path': child, 'bytes': info.st_size, 'age_days': age, 'reasons': reasons})


def memory_folders(module, state_dir, root, root_fd, entries, skipped):
    """Open the memory folders: relative ones like the others, absolute ones outside the state folder as given."""
    opened = []
    for entry in entries:
        text = (entry or '').strip()
        if os.path.isabs(text) and not _inside(os.path.normpath(text), os.path.normpath(state_dir)) \
                and not _inside(os.path.normpath(text), root):
            try:
                opened.append((os.path.normpath(text), open_root(text)))
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                    module.fail_json(msg='cannot open the memory folder %s: %s' % (text, exc))
            continue
        parts = relative_parts(state_dir, root, entry, 'memory_dirs')
        for rel, fd in resolve_dirs(root, root_fd, parts, entry, 'memory_dirs', skipped, refuse_links=False):
            opened.append((os.path.join(root, rel), fd))
    return opened


def keep_logs_private(log_dir, patterns, check_mode):
    """The log folder 0700 (created when missing) and its log files 0600; returns the changes."""
    changes = [private.keep_private(log_dir, 0o700, True, check_mode, create=True)]
    if os.path.isdir(log_dir):
        for name in sorted(os.listdir(log_dir)):
            path = os.path.join(log_dir, name)
            if _matches(name, patterns) and stat.S_ISREG(os.lstat(path).st_mode):
                changes.append(private.keep_private(path, 0o600, False, check_mode))
    return [change for change in changes if change]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state_dir=dict(type='path', required=True),
            session_dirs=dict(type='list', elements='str', default=['agents/*/sessions']),
            session_patterns=dict(type='list', elements='str',
                                  default=['*.jsonl', '*.jsonl.reset.*', '*.jsonl.deleted.*', '*.trajectory-path.json']),
            session_days=dict(type='int', default=30),
            media_dirs=dict(type='list', elements='str', default=['media']),
            media_exclude=dict(type='list', elements='str', default=['outgoing', 'playback-transcode']),
            media_days=dict(type='int', default=7),
            memory_dirs=dict(type='list', elements='str', default=['workspace/memory', 'workspace-*/memory']),
            memory_review_bytes=dict(type='int', default=262144),
            memory_review_days=dict(type='int', default=90),
            delete=dict(type='bool', default=True),
            log_dir=dict(type='path'),
            log_patterns=dict(type='list', elements='str', default=['openclaw*.log']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    state_dir = params['state_dir']
    for key in ('session_days', 'media_days', 'memory_review_days'):
        if params[key] < 1:
            module.fail_json(msg='%s must be 1 or more days, got %d.' % (key, params[key]))
    if params['memory_review_bytes'] < 1:
        module.fail_json(msg='memory_review_bytes must be 1 or more, got %d.' % params['memory_review_bytes'])
    if not os.path.isabs(state_dir):
        module.fail_json(msg='state_dir must be an absolute path, got %s.' % state_dir)
    if not os.path.isdir(state_dir):
        module.fail_json(msg='The OpenClaw state folder %s does not exist or is not a folder.' % state_dir)
    root = os.path.realpath(state_dir)
    now = time.time()
    skipped = []
    result = dict(changed=False, state_dir=root, deleted=[], would_delete=[], bytes_freed=0,
                  memory_review=[], not_followed=skipped, private=[])
    if params['log_dir']:
        try:
            result['private'] = keep_logs_private(params['log_dir'], params['log_patterns'], module.check_mode)
        except (private.PrivateError, OSError) as exc:
            result['msg'] = 'Cannot keep the logs in %s private (nothing was pruned): %s' % (params['log_dir'], exc)
            module.fail_json(**result)

    root_fd = open_root(root)
    opened = []
    try:
        # Every folder is resolved, and every refusal made, before anything is deleted.
        try:
            plan = []
            for what, entries, days, patterns, recursive in (
                    ('session_dirs', params['session_dirs'], params['session_days'], params['session_patterns'], False),
                    ('media_dirs', params['media_dirs'], params['media_days'], None, True)):
                for entry in entries:
                    parts = relative_parts(state_dir, root, entry, what)
                    check_not_protected(parts, entry, what, root)
                    for rel, fd in resolve_dirs(root, root_fd, parts, entry, what, skipped, refuse_links=True):
                        opened.append(fd)
                        plan.append((rel, fd, now - days * DAY, patterns, recursive))
            memory = memory_folders(module, state_dir, root, root_fd, params['memory_dirs'], skipped)
            opened.extend(fd for dummy, fd in memory)
        except Refused as exc:
            result['msg'] = str(exc)
            module.fail_json(**result)
        except OSError as exc:
            result['msg'] = 'cannot open a folder to prune in %s: %s' % (root, exc)
            module.fail_json(**result)

        candidates = []
        seen = set()
        try:
            for rel, fd, cutoff, patterns, recursive in plan:
                found = []
                scan_files(root, rel, fd, cutoff, patterns, recursive, params['media_exclude'], skipped, found)
                for item in found:
                    if item[0] not in seen:
                        seen.add(item[0])
                        candidates.append(item + (cutoff,))
            for path, fd in memory:
                scan_memory(fd, path, now, params['memory_review_bytes'], params['memory_review_days'], skipped,
                            result['memory_review'])
        except OSError as exc:
            result['msg'] = 'cannot read a folder to prune in %s (nothing was deleted): %s' % (root, exc)
            module.fail_json(**result)
        result['memory_review'].sort(key=lambda item: (-item['bytes'], -item['age_days'], item['path']))

        if module.check_mode or not params['delete']:
            result['would_delete'] = [os.path.join(root, item[0]) for item in candidates]
            result['bytes_freed'] = sum(item[1] for item in candidates)
            result['changed'] = bool(candidates) and params['delete']
        else:
            for rel, size, dummy, inode, cutoff in candidates:
                try:
                    if delete_file(root_fd, rel, inode, cutoff):
                        result['deleted'].append(os.path.join(root, rel))
                        result['bytes_freed'] += size
                except OSError as exc:
                    result['changed'] = bool(result['deleted'])
                    result['msg'] = 'could not delete %s: %s' % (os.path.join(root, rel), exc)
                    module.fail_json(**result)
            result['changed'] = bool(result['deleted'])
        result['changed'] = result['changed'] or bool(result['private'])
    finally:
        for fd in opened:
            try:
                os.close(fd)
            except OSError:
                pass
        os.close(root_fd)

    listed = (result['deleted'] or result['would_delete']) if params['delete'] else []
    if module._diff and (listed or result['private']):
        modes = result['private']
        result['diff'] = dict(before_header='%s (files past their retention), log modes' % root,
                              after_header='%s (after pruning), log modes' % root,
                              before=''.join(path + '\n' for path in listed)
                              + ''.join('%s %s\n' % (item['path'], item['old'] or 'absent') for item in modes),
                              after=''.join('%s %s\n' % (item['path'], item['new']) for item in modes))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
