# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: drift_report
type: aggregate
short_description: Per-host table, and JSON file, of the settings a check-mode run would change
version_added: 1.0.0
author:
  - clawfleet.openclaw contributors (@clawfleet)
description:
  - Collects, from every task result, what the task would change (in a C(--check) run) and prints at the end of
    the playbook one table with a row per drifted setting and host (host, setting path, old value, new value,
    task), and the line C(no drift) for every host without changes.
  - Results of M(clawfleet.openclaw.openclaw_config) give one row per setting from their C(changes) list
    (C(path), C(before)/C(after) or C(old)/C(new)). Any other changed task (M(clawfleet.openclaw.openclaw_secret),
    M(clawfleet.openclaw.openclaw_retention), M(clawfleet.openclaw.openclaw_devices), M(ansible.builtin.file),
    M(ansible.builtin.copy), M(ansible.builtin.template), ...) gives a row named after the path or diff header it
    returns; file attributes (such as C(mode)) get a row each with their old and new values, text diffs only
    their line counts.
  - Secrets are masked again, whatever the module did, with the redaction of openclaw_config
    (C(********)), in the table and in the file. A value is masked when any key of its path looks like a
    credential (C(token), C(password), C(secret), C(apiKey) and every key ending in C(key)), or when it is shaped
    like a real credential anywhere. SecretRefs (C({source, provider, id}), C(${VAR})) are references and are
    shown as they are.
  - 'A result hidden with C(no_log) is never read; a changed one appears only as a row that says it changed,
    with its task name and C(details hidden: no_log).'
  - Hosts that failed, were unreachable or had every task skipped are reported as such. Handlers are left
    out (they follow from the changes listed). Ignored failures are listed as notes under their host.
  - Enable it with C(ANSIBLE_CALLBACKS_ENABLED=clawfleet.openclaw.drift_report) or C(callbacks_enabled) in
    C(ansible.cfg). It prints nothing in a run that is not in check mode unless I(check_mode_only) is off, in
    which case it lists what the run changed.
requirements:
  - Enabled in C(callbacks_enabled) (it does not replace the stdout callback).
options:
  output_file:
    description:
      - Also write the report as JSON to this path on the controller (keys sorted, mode C(0600); a missing
        folder is created C(0700)).
      - 'The file holds C({"check_mode": bool, "playbook": str, "hosts": {host: {"drifted": bool, "status":
        "ok|failed|unreachable|skipped", "changes": [...], "failed_tasks": [...], "notes": [...]}}}); each change
        has C(path), C(action), C(old), C(new), C(kind) (C(setting), C(task) or C(hidden)), C(task) and
        C(module).'
      - Not written when nothing is reported (a run outside check mode with I(check_mode_only) on).
    type: path
    env:
      - name: CLAWFLEET_DRIFT_JSON
    ini:
      - section: callback_drift_report
        key: output_file
  check_mode_only:
    description:
      - Report only when the run is in check mode (C(--check), or tasks with C(check_mode) on).
      - Off, a normal run is reported too, as the list of what it changed.
    type: bool
    default: true
    env:
      - name: CLAWFLEET_DRIFT_CHECK_MODE_ONLY
    ini:
      - section: callback_drift_report
        key: check_mode_only
  max_value_length:
    description:
      - Longest old or new value printed in the table (longer ones are cut with C(...)).
      - The JSON file keeps them whole.
    type: int
    default: 80
    env:
      - name: CLAWFLEET_DRIFT_MAX_VALUE_LENGTH
    ini:
      - section: callback_drift_report
        key: max_value_length
notes:
  - Run the playbook with C(--diff) as well, so that modules that return their differences only in diff mode
    (M(ansible.builtin.file), M(ansible.builtin.template)) give their old and new values.
seealso:
  - module: clawfleet.openclaw.openclaw_config
'''

import json
import os
import re
import tempfile

from ansible import context
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible.plugins.callback import CallbackBase

from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import (
    MASK, is_secret_key, is_secret_ref, looks_like_secret_value, redact)

HIDDEN = 'changed (details hidden: no_log)'
ABSENT = '(absent)'

# Key names the module's redaction leaves readable but a report must not:
# anything that ends in "key" (signingKey, accessKey, key) and the like.
_EXTRA_SECRET_SUFFIXES = ('key', 'credential', 'credentials', 'passphrase', 'passwd', 'cookie')
# Words in a file path or diff header that say the file holds a secret.
_SECRET_FILE_WORDS = re.compile(r'(?i)(token|secret|password|passwd|credential|apikey|api_key|\.env\b|key)')
_PATH_SPLIT = re.compile(r'(\.|\[|\]|=|"|/|\s)')


def _secret_segment(segment):
    if not isinstance(segment, string_types):
        return False
    lowered = segment.lower()
    return is_secret_key(segment) or lowered.endswith(_EXTRA_SECRET_SUFFIXES)


def _path_is_secret(path):
    """Whether any key of a setting path (``a.b[id=x].apiKey``) names a credential."""
    if not isinstance(path, string_types):
        return False
    return any(_secret_segment(part) for part in _PATH_SPLIT.split(path) if part)


def scrub_text(text):
    """A path, header or message with every credential-shaped piece replaced by the mask."""
    if text is None:
        return None
    text = to_text(text, errors='surrogate_or_replace')
    if not looks_like_secret_value(text):
        return text
    pieces = re.split(r'(\.|\[|\]|=|"|/|\s|,|:|;|\'|\(|\))', text)
    cleaned = ''.join(MASK if looks_like_secret_value(piece) else piece for piece in pieces)
    # A credential that spans separators (a Telegram token holds ":") is masked whole.
    return MASK if looks_like_secret_value(cleaned) else cleaned


def _mask(value, secret):
    if isinstance(value, Mapping):
        if is_secret_ref(value):
            return dict(value)
        return dict((key, _mask(child, secret or _key_is_secret(key))) for key, child in value.items())
    if isinstance(value, (list, tuple)):
        return [_mask(child, secret) for child in value]
    if isinstance(value, string_types):
        if secret and value and not is_secret_ref(value):
            return MASK
        return MASK if looks_like_secret_value(value) else value
    return value


def mask_value(path, value):
    """``value`` of the setting at ``path`` with its secrets masked (SecretRefs stay readable).

    The module's redaction runs last, so keys shaped like credentials are
    masked the way openclaw_config shows them.
    """
    return redact(_mask(value, _path_is_secret(path)))


def _key_is_secret(key):
    return _secret_segment(key) or looks_like_secret_value(to_text(key))


def _mask_attributes(before, after):
    """Old and new value per differing attribute of a dict diff (``file`` gives {path, mode, ...})."""
    rows = []
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    for key in sorted(set(before) | set(after), key=str):
        if key == 'path':
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if _key_is_secret(to_text(key)):
            old = MASK if old not in (None, '') else old
            new = MASK if new not in (None, '') else new
        rows.append((scrub_text(key), mask_value('', old), mask_value('', new)))
    return rows


def _lines(text):
    text = to_text(text or '')
    return len(text.splitlines())


def _render(value, limit):
    if value is None:
        return ABSENT
    if isinstance(value, string_types) and value == MASK:
        text = MASK
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(', ', ': '))
    if limit and len(text) > limit:
        text = text[:max(limit - 3, 1)] + '...'
    return text


class CallbackModule(CallbackBase):
    """Collects what every task would change and prints one table per run."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'clawfleet.openclaw.drift_report'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display=display)
        self.hosts = {}
        self.playbooks = []
        self.saw_check_mode = False

    # ------------------------------------------------------------------
    # Run state
    # ------------------------------------------------------------------

    @property
    def cli_check_mode(self):
        return bool((context.CLIARGS or {}).get('check', False))

    @property
    def check_mode(self):
        return self.cli_check_mode or self.saw_check_mode

    def _host(self, name):
        return self.hosts.setdefault(name, {
            'changes': [], 'failed_tasks': [], 'notes': [], 'unreachable': None, 'ran': 0, 'skipped': 0})

    # ------------------------------------------------------------------
    # Reading one result
    # ------------------------------------------------------------------

    @staticmethod
    def _parts(result):
        data = getattr(result, 'result', None)
        if not isinstance(data, Mapping):
            data = getattr(result, '_result', {})
        task = getattr(result, 'task', None) or getattr(result, '_task', None)
        host = getattr(result, 'host', None) or getattr(result, '_host', None)
        fields = getattr(result, 'task_fields', None)
        if fields is None:
            fields = getattr(result, '_task_fields', None) or {}
        return data, task, host, fields

    @staticmethod
    def _task_name(task, fields):
        name = fields.get('name') if isinstance(fields, Mapping) else None
        if not name and task is not None:
            name = task.get_name()
        return scrub_text(name or '(unnamed task)')

    @staticmethod
    def _is_handler(task):
        try:
            from ansible.playbook.handler import Handler
        except ImportError:
            return False
        return isinstance(task, Handler)

    @staticmethod
    def _hidden(data, task):
        if isinstance(data, Mapping) and ('censored' in data or data.get('_ansible_no_log')):
            return True
        no_log = getattr(task, 'no_log', None)
        return isinstance(no_log, bool) and no_log

    def _task_check_mode(self, fields):
        check = fields.get('check_mode') if isinstance(fields, Mapping) else None
        if isinstance(check, bool):
            return check
        return self.cli_check_mode

    def _wanted(self, fields):
        in_check = self._task_check_mode(fields)
        if in_check:
            self.saw_check_mode = True
        return in_check or not self.get_option('check_mode_only')

    def _record(self, result, failed=False):
        data, task, host, fields = self._parts(result)
        if host is None:
            return
        entry = self._host(host.get_name())
        entry['ran'] += 1
        if task is not None and self._is_handler(task):
            return
        if not self._wanted(fields):
            return
        name = self._task_name(task, fields)
        module = to_text(getattr(task, 'action', None) or fields.get('action') or '')
        found = []
        if self._hidden(data, task):
            if data.get('changed') or any(isinstance(item, Mapping) and item.get('changed')
                                          for item in data.get('results') or []):
                found.append(self._change(name, module, 'hidden', '-', 'changed', None, None, detail=HIDDEN))
        else:
            items = data.get('results') if isinstance(data.get('results'), list) else [data]
            for item in items:
                if not isinstance(item, Mapping):
                    continue
                if self._hidden(item, None):
                    if item.get('changed'):
                        found.append(self._change(name, module, 'hidden', '-', 'changed', None, None,
                                                  detail=HIDDEN))
                    continue
                found.extend(self._changes_of(item, name, module, failed))
        for change in found:
            # A task run twice (the state folder before and after a restart)
            # reports the same drift twice; it is one drift.
            if not any(self._same(change, seen) for seen in entry['changes']):
                entry['changes'].append(change)

    @staticmethod
    def _same(one, other):
        keys = ('kind', 'path', 'old', 'new', 'detail') + (('task',) if one['kind'] == 'hidden' else ())
        return all(one.get(key) == other.get(key) for key in keys)

    def _change(self, task, module, kind, path, action, old, new, detail=None):
        change = {'task': task, 'module': module, 'kind': kind, 'path': path, 'action': action,
                  'old': old, 'new': new}
        if detail:
            change['detail'] = detail
        return change

    def _changes_of(self, data, task, module, failed):
        changes = data.get('changes')
        setting_list = isinstance(changes, list) and all(
            isinstance(item, Mapping) and 'path' in item for item in changes)
        if setting_list and changes:
            return [self._setting(item, task, module) for item in changes]
        if not data.get('changed') or failed:
            return []
        return self._task_rows(data, task, module)

    def _setting(self, item, task, module):
        path = scrub_text(item['path'])
        old = item.get('old', item.get('before'))
        new = item.get('new', item.get('after'))
        action = item.get('action') or ('add' if old is None else 'remove' if new is None else 'change')
        return self._change(task, module, 'setting', path, to_text(action),
                            mask_value(item['path'], old), mask_value(item['path'], new))

    def _task_rows(self, data, task, module):
        target = data.get('path') or data.get('dest')
        diffs = data.get('diff')
        if isinstance(diffs, Mapping):
            diffs = [diffs]
        rows = []
        for diff in diffs if isinstance(diffs, list) else []:
            if not isinstance(diff, Mapping):
                continue
            header = diff.get('after_header') or diff.get('before_header') or target
            before, after = diff.get('before'), diff.get('after')
            if isinstance(before, Mapping) or isinstance(after, Mapping):
                place = (before or {}).get('path') or (after or {}).get('path') or header or target or '-'
                for key, old, new in _mask_attributes(before, after):
                    rows.append(self._change(task, module, 'task', '%s %s' % (scrub_text(place), key), 'change',
                                             old, new))
                continue
            if before is None and after is None:
                continue
            rows.append(self._text_row(task, module, header or target or '-', before, after))
        if not rows:
            rows.append(self._change(task, module, 'task', scrub_text(target) if target else '-', 'changed',
                                     None, None, detail='changed'))
        return rows

    def _text_row(self, task, module, header, before, after):
        header = scrub_text(header)
        before, after = to_text(before or ''), to_text(after or '')
        if before == after:
            return self._change(task, module, 'task', header, 'changed', None, None,
                                detail='changed (same content; file attributes differ)')
        single = (len(before) <= 200 and len(after) <= 200 and _lines(before) <= 1 and _lines(after) <= 1)
        if single and not _SECRET_FILE_WORDS.search(header or ''):
            return self._change(task, module, 'task', header, 'change',
                                mask_value('', before.strip()) if before else None,
                                mask_value('', after.strip()) if after else None)
        if single:
            # One line of a secret-bearing file: the text is a value, never shown.
            return self._change(task, module, 'task', header, 'change', MASK if before else None,
                                MASK if after else None)
        return self._change(task, module, 'task', header, 'change',
                            '%d lines' % _lines(before) if before else None,
                            '%d lines' % _lines(after) if after else None,
                            detail='content differs')

    # ------------------------------------------------------------------
    # Callback events
    # ------------------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        name = getattr(playbook, '_file_name', None)
        if name:
            self.playbooks.append(to_text(name))

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)
        data, task, host, fields = self._parts(result)
        if host is None or (task is not None and self._is_handler(task)):
            return
        name = self._task_name(task, fields)
        message = '' if self._hidden(data, task) else self._message(data)
        entry = self._host(host.get_name())
        if ignore_errors:
            entry['notes'].append('%s: failed (ignored)%s' % (name, ': ' + message if message else ''))
        else:
            entry['failed_tasks'].append({'task': name, 'msg': message})

    def v2_runner_on_skipped(self, result):
        data, task, host, fields = self._parts(result)
        if host is not None:
            self._host(host.get_name())['skipped'] += 1

    def v2_runner_on_unreachable(self, result):
        data, task, host, fields = self._parts(result)
        if host is not None:
            self._host(host.get_name())['unreachable'] = self._message(data) or 'unreachable'

    @staticmethod
    def _message(data):
        msg = data.get('msg') if isinstance(data, Mapping) else None
        if not msg:
            return ''
        first = to_text(msg).strip().splitlines()
        return scrub_text(first[0][:300]) if first else ''

    def v2_playbook_on_stats(self, stats):
        if not self.check_mode and self.get_option('check_mode_only'):
            self._display.v('drift report: not a check-mode run, nothing reported '
                            '(set CLAWFLEET_DRIFT_CHECK_MODE_ONLY=false to list what a run changed)')
            return
        report = self.report(stats)
        self._print(report)
        path = self.get_option('output_file')
        if path:
            self._write(path, report)

    # ------------------------------------------------------------------
    # The report
    # ------------------------------------------------------------------

    def report(self, stats=None):
        """The report as the JSON file holds it."""
        names = set(self.hosts)
        processed = getattr(stats, 'processed', None) or {}
        names.update(processed)
        hosts = {}
        for name in sorted(names):
            entry = self._host(name)
            summary = stats.summarize(name) if stats is not None and name in processed else {}
            if entry['unreachable'] is not None or summary.get('unreachable'):
                status = 'unreachable'
            elif summary.get('failures') if summary else entry['failed_tasks']:
                status = 'failed'
            elif entry['skipped'] and entry['ran'] == 0:
                status = 'skipped'
            else:
                status = 'ok'
            host = {'drifted': bool(entry['changes']), 'status': status, 'changes': entry['changes'],
                    'failed_tasks': entry['failed_tasks'], 'notes': entry['notes']}
            if entry['unreachable'] is not None:
                host['unreachable'] = entry['unreachable']
            hosts[name] = host
        return {'check_mode': self.check_mode, 'playbook': ', '.join(self.playbooks), 'hosts': hosts}

    def table(self, report):
        """The printed lines of the report."""
        limit = self.get_option('max_value_length')
        quiet = 'no drift' if report['check_mode'] else 'no change'
        rows = []
        for name in sorted(report['hosts']):
            host = report['hosts'][name]
            if host['status'] == 'unreachable':
                rows.append((name, 'unreachable: %s' % host.get('unreachable', ''), '', ''))
                continue
            if host['status'] == 'skipped':
                rows.append((name, 'skipped (every task was skipped)', '', ''))
                continue
            for change in host['changes']:
                if change.get('detail') and change['old'] is None and change['new'] is None:
                    values = change['detail']
                else:
                    values = '%s \u2192 %s' % (_render(change['old'], limit), _render(change['new'], limit))
                rows.append((name, change['path'], values, change['task']))
            for failed in host['failed_tasks']:
                rows.append((name, 'failed: %s' % failed['task'], failed['msg'], ''))
            if not host['changes'] and host['status'] == 'ok':
                rows.append((name, quiet, '', ''))
            for note in host['notes']:
                rows.append((name, 'note: %s' % note, '', ''))
        header = ('HOST', 'SETTING', 'OLD \u2192 NEW', 'TASK')
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(3)]
        lines = []
        for row in [header] + rows:
            if not any(row[2:]):
                lines.append('%s  %s' % (row[0].ljust(widths[0]), row[1]))
                continue
            lines.append('  '.join([row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                                    row[2].ljust(widths[2]), row[3]]).rstrip())
        return lines

    def _print(self, report):
        drifted = sum(1 for host in report['hosts'].values() if host['drifted'])
        if report['check_mode']:
            title = 'DRIFT REPORT (check mode): %d of %d host(s) drifted' % (drifted, len(report['hosts']))
        else:
            title = 'CHANGE REPORT (this run): %d of %d host(s) changed' % (drifted, len(report['hosts']))
        self._display.banner(title)
        if not report['hosts']:
            self._display.display('no host ran a task')
            return
        for line in self.table(report):
            self._display.display(line)
        self._display.display('')

    def _write(self, path, report):
        path = os.path.abspath(os.path.expanduser(path))
        folder = os.path.dirname(path)
        try:
            if not os.path.isdir(folder):
                os.makedirs(folder, 0o700)
            handle, temp = tempfile.mkstemp(prefix='.drift-', suffix='.json', dir=folder)
            try:
                with os.fdopen(handle, 'w') as out:
                    out.write(json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + '\n')
                os.chmod(temp, 0o600)
                os.rename(temp, path)
            except Exception:
                os.unlink(temp)
                raise
        except (IOError, OSError) as exc:
            self._display.warning('drift report: could not write %s (%s); check that the folder is writable or '
                                  'change CLAWFLEET_DRIFT_JSON' % (path, exc))
            return
        self._display.display('drift report written to %s' % path)
