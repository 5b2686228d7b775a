#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_secret
short_description: Keep secrets in private files for OpenClaw SecretRefs, and track their age
version_added: 1.0.0
description:
  - "Ensures that a file holds exactly one secret value (a Gateway token, a provider key, a bot token),
    mode C(0600), so that C(openclaw.json) can point at it with a C(file) SecretRef
    (C(secrets.providers.<alias>) with C(mode: singleValue)) instead of holding the secret itself."
  - When no I(value) is given, an existing file is kept as it is, and a missing one gets a new random
    value of I(length) hexadecimal characters, so a host keeps its own secret across runs.
  - The value is never returned, logged or shown in a diff; the diff says only whether it changes.
  - With O(env_name), O(path) is instead an environment file (C(NAME=value) lines, as systemd's
    C(EnvironmentFile=) reads them) and only the line of O(env_name) is managed; the other lines are kept.
    OpenClaw then reads the value through an C(env) SecretRef.
  - The file is written atomically (temporary file in the same folder, fsync, rename); its folder is
    created C(0700) when missing.
  - With O(max_age_days), the module tracks the key's age for the rotation table of the hardening guide
    (90 days for a production provider key, 30 for a development key). A small record file (O(record),
    C(0600), no secret in it) keeps the date the current value was issued and its fingerprint; a value
    that changes, here or behind the module's back, counts as rotated that day unless O(rotated_on) says
    when it was issued. A key within O(warn_days) of its limit gives a warning; a key past it gives a
    warning, or fails the task with O(fail_when_overdue).
  - With O(secrets), several secrets are kept in one call (one round trip to the host instead of one per key).
    Every entry is checked before any file is read or written, so one bad entry leaves every file as it was.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  path:
    description:
      - Absolute path of the secret file. Either O(path) (one secret) or O(secrets) is required.
    type: path
  secrets:
    description:
      - Several secrets, each kept as O(path) with its own options would keep it. O(min_length), O(length),
        O(warn_days), O(fail_when_overdue), O(owner) and O(group) apply to each; O(regenerate) cannot be used.
      - The same file (or the same O(secrets[].env_name) of one environment file) may appear once only.
    type: list
    elements: dict
    suboptions:
      path:
        description: Absolute path of the secret file, or of the environment file with O(secrets[].env_name).
        type: path
        required: true
      value:
        description: The secret to store. Leave unset to keep the current value or generate one.
        type: str
      env_name:
        description: As O(env_name), for this secret.
        type: str
      label:
        description: As O(label), for this secret.
        type: str
      max_age_days:
        description: As O(max_age_days), for this secret.
        type: int
      rotated_on:
        description: As O(rotated_on), for this secret.
        type: str
      record:
        description: As O(record), for this secret.
        type: path
  value:
    description:
      - The secret to store. Leave unset to keep the current value or generate one.
    type: str
  length:
    description: Number of hexadecimal characters of a generated secret.
    type: int
    default: 64
  min_length:
    description: Refuse a given I(value) shorter than this.
    type: int
    default: 32
  regenerate:
    description: Replace the stored value with a new random one (token rotation).
    type: bool
    default: false
  env_name:
    description:
      - Keep the secret as the line C(<env_name>=<value>) of the environment file O(path) instead of as the
        whole file. Upper-case letters, digits and C(_), starting with a letter (OpenClaw's env SecretRef ids).
      - The value may not hold white space, quote characters, backslashes, dollar signs or hash signs, which an
        environment file would interpret.
    type: str
  label:
    description: Name of the secret in messages and in the rotation record (for example C(anthropic api key)).
    type: str
  max_age_days:
    description:
      - Rotate the key after this many days (the guide's table says 90 for a production provider key, 30 for a
        development key). V(0) or unset tracks nothing and writes no record.
    type: int
  warn_days:
    description: Warn this many days before O(max_age_days) is reached.
    type: int
    default: 14
  rotated_on:
    description:
      - Date (C(YYYY-MM-DD)) the current value was issued, when the inventory knows it (for example when vault
        holds a key created before it was managed here). When set it is the key's date; otherwise the record's
        date is kept while the value is unchanged, and a new value counts from today.
    type: str
  fail_when_overdue:
    description: Fail the task when the key is older than O(max_age_days), instead of warning.
    type: bool
    default: false
  record:
    description:
      - Path of the rotation record. Defaults to C(<path>.rotation.json), or C(<folder of path>/<env_name>.rotation.json)
        with O(env_name).
    type: path
  owner:
    description: Owner of the file and of a folder created for it.
    type: str
  group:
    description: Group of the file and of a folder created for it.
    type: str
attributes:
  check_mode:
    support: full
    description: Reports whether the file would be created or changed and writes nothing.
  diff_mode:
    support: full
    description: The diff shows the file's state (absent, present, rotated), never the value.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)), so the file belongs to that user; OpenClaw's
    file provider accepts only a private, single-link regular file.
'''

EXAMPLES = r'''
- name: Ensure the Gateway token exists (generated once per host)
  clawfleet.openclaw.openclaw_secret:
    path: /home/openclaw/.openclaw/secrets/gateway-token

- name: Store a token from vault
  clawfleet.openclaw.openclaw_secret:
    path: /home/openclaw/.openclaw/secrets/gateway-token
    value: "{{ vault_openclaw_gateway_token }}"
  no_log: true

- name: Rotate the Gateway token
  clawfleet.openclaw.openclaw_secret:
    path: /home/openclaw/.openclaw/secrets/gateway-token
    regenerate: true

- name: A production provider key from vault, in a file, rotated every 90 days
  clawfleet.openclaw.openclaw_secret:
    path: /home/openclaw/.openclaw/secrets/anthropic-api-key
    value: "{{ vault_anthropic_api_key }}"
    min_length: 20
    label: anthropic api key
    max_age_days: 90
  no_log: true

- name: Every provider key and bot token in one call, values never shown
  clawfleet.openclaw.openclaw_secret:
    secrets:
      - path: /home/openclaw/.openclaw/secrets/anthropic-api-key
        value: "{{ vault_anthropic_api_key }}"
        label: anthropic api key
        max_age_days: 90
      - path: /home/openclaw/.openclaw/gateway.env
        env_name: TELEGRAM_BOT_TOKEN
        value: "{{ vault_telegram_bot_token }}"
        label: telegram bot token
    min_length: 20
  no_log: true

- name: The Telegram bot token as a line of the Gateway's environment file
  clawfleet.openclaw.openclaw_secret:
    path: /home/openclaw/.openclaw/gateway.env
    env_name: TELEGRAM_BOT_TOKEN
    value: "{{ vault_telegram_bot_token }}"
    min_length: 20
  no_log: true
'''

RETURN = r'''
path:
  description: Path of the secret file.
  returned: with O(path)
  type: str
  sample: /home/openclaw/.openclaw/secrets/gateway-token
action:
  description: What was (or in check mode would be) done.
  returned: with O(path)
  type: str
  sample: created
  choices: [created, replaced, rotated, unchanged]
fingerprint:
  description: First 12 hex characters of the SHA-256 of the stored value, to tell values apart without showing them.
  returned: with O(path), when the file exists after the run (not in check mode for a new file)
  type: str
  sample: 3f2a9c01d4e7
rotation:
  description:
    - V(ok), V(due) (within O(warn_days) of the limit), V(overdue) (past it), or V(untracked) without O(max_age_days).
  returned: with O(path)
  type: str
  sample: ok
rotated_on:
  description: Date the current value was issued (or first seen), when tracked.
  returned: with O(path), when O(max_age_days) is set
  type: str
  sample: '2026-11-25'
age_days:
  description: Days since RV(rotated_on).
  returned: with O(path), when O(max_age_days) is set
  type: int
  sample: 12
max_age_days:
  description: The limit the age was checked against.
  returned: with O(path), when O(max_age_days) is set
  type: int
  sample: 90
record:
  description: Path of the rotation record.
  returned: with O(path), when O(max_age_days) is set
  type: str
  sample: /home/openclaw/.openclaw/secrets/anthropic-api-key.rotation.json
secrets:
  description:
    - One entry per O(secrets) entry, in order, with the keys returned for O(path) (RV(path), RV(action),
      RV(fingerprint), RV(rotation), RV(rotated_on), RV(age_days), RV(max_age_days), RV(record)) and the label.
  returned: with O(secrets)
  type: list
  elements: dict
  contains:
    label:
      description: The entry's label (or its env_name, or its file name).
      type: str
  sample:
    - {path: /home/openclaw/.openclaw/secrets/anthropic-api-key, action: unchanged, fingerprint: 3f2a9c01d4e7,
       rotation: ok, rotated_on: '2026-11-25', age_days: 6, max_age_days: 90, label: anthropic api key,
       record: /home/openclaw/.openclaw/secrets/anthropic-api-key.rotation.json, changed: false}
'''

import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import envfile, private


def fingerprint(value):
    return hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]


ENV_NAME = re.compile(r'^[A-Z][A-Z0-9_]{0,127}$')
# Characters an environment file would interpret (quoting, expansion, comments).
ENV_UNSAFE = re.compile(r'[\s"\'\\$#`]')


def read_text(path):
    try:
        with open(path, 'r') as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def read_current(path):
    text = read_text(path)
    return None if text is None else text.strip()


def env_lines(path):
    text = read_text(path)
    return [] if text is None else text.splitlines()


def write_atomically(module, path, value):
    try:
        private.write_atomically(path, (value + '\n').encode('utf-8'), 0o600)
    except (IOError, OSError) as exc:
        module.fail_json(msg='could not write %s: %s' % (path, exc))


ITEM_OPTIONS = ('path', 'value', 'env_name', 'label', 'max_age_days', 'rotated_on', 'record')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            value=dict(type='str', no_log=True),
            # The values are hidden by the entries' own no_log; the paths and labels may be shown.
            secrets=dict(type='list', elements='dict', no_log=False, options=dict(
                path=dict(type='path', required=True),
                value=dict(type='str', no_log=True),
                env_name=dict(type='str'),
                label=dict(type='str'),
                max_age_days=dict(type='int'),
                rotated_on=dict(type='str'),
                record=dict(type='path'),
            )),
            length=dict(type='int', default=64),
            min_length=dict(type='int', default=32),
            regenerate=dict(type='bool', default=False),
            env_name=dict(type='str'),
            label=dict(type='str'),
            max_age_days=dict(type='int'),
            warn_days=dict(type='int', default=14),
            rotated_on=dict(type='str'),
            fail_when_overdue=dict(type='bool', default=False),
            record=dict(type='path'),
            owner=dict(type='str'),
            group=dict(type='str'),
        ),
        mutually_exclusive=[('path', 'secrets')] + [('secrets', name) for name in ITEM_OPTIONS[1:]]
        + [('secrets', 'regenerate')],
        required_one_of=[('path', 'secrets')],
        supports_check_mode=True,
    )
    if module.params['length'] < module.params['min_length']:
        module.fail_json(msg='length must be at least min_length (%d)' % module.params['min_length'])
    if module.params['secrets'] is None:
        item = dict((name, module.params[name]) for name in ITEM_OPTIONS)
        rotated_on = check_item(module, item)
        result, overdue = settle(module, item, rotated_on)
        if overdue and module.params['fail_when_overdue']:
            module.fail_json(msg=overdue, **result)
        module.exit_json(**result)

    # Every entry is checked before any file is touched.
    items = module.params['secrets']
    dates = [check_item(module, item) for item in items]
    paths = [(item['path'], item['env_name']) for item in items]
    if len(set(paths)) != len(paths):
        module.fail_json(msg='secrets lists the same file (or the same env_name of one environment file) twice: '
                             'keep one entry each.')
    results, diffs, overdue = [], [], []
    for item, rotated_on in zip(items, dates):
        result, late = settle(module, item, rotated_on)
        if 'diff' in result:
            diffs.append(result.pop('diff'))
        result['label'] = label_of(item)
        results.append(result)
        if late:
            overdue.append(late)
    outcome = dict(changed=any(result['changed'] for result in results), secrets=results)
    if diffs:
        outcome['diff'] = diffs
    if overdue and module.params['fail_when_overdue']:
        module.fail_json(msg=' '.join(overdue), **outcome)
    module.exit_json(**outcome)


def label_of(item):
    return item['label'] or item['env_name'] or os.path.basename(item['path'])


def check_item(module, item):
    """Refuse a bad entry before anything is read or written; the entry's rotated_on as a date string."""
    path, value, env_name = item['path'], item['value'], item['env_name']
    if value is not None and module.params['regenerate']:
        module.fail_json(msg='value and regenerate=true exclude each other: give the new secret, or let one be generated')
    if not os.path.isabs(path):
        module.fail_json(msg='path must be absolute, got %s' % path)
    if value is not None and len(value.strip()) < module.params['min_length']:
        module.fail_json(msg='the secret for %s is shorter than %d characters; use a long random value '
                             '(for example: openssl rand -hex 32)' % (path, module.params['min_length']))
    if env_name is not None:
        if not ENV_NAME.match(env_name):
            module.fail_json(msg='env_name %r is not a valid variable name for an OpenClaw env SecretRef: use '
                                 'upper-case letters, digits and _, starting with a letter.' % env_name)
        if value is not None and ENV_UNSAFE.search(value.strip()):
            module.fail_json(msg='the value for %s holds white space, a quote, \\, $, # or `, which an environment '
                                 'file would interpret; deliver this secret as a file instead.' % env_name)
    if item['max_age_days'] and item['max_age_days'] < 0:
        module.fail_json(msg='max_age_days must be positive (the guide: 90 for production keys, 30 for development keys)')
    if os.path.islink(path) or (os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode)):
        module.fail_json(msg='%s must be a regular file, not a link: OpenClaw refuses linked secret files. '
                             'Remove the link (or point the variable at the real file) and run again.' % path)
    return parse_date(module, item['rotated_on'])


def settle(module, item, rotated_on):
    """Bring one secret (and its rotation record) to what ``item`` says: its result, and the overdue message."""
    path, value, env_name = item['path'], item['value'], item['env_name']
    label = label_of(item)
    tracked = bool(item['max_age_days'])
    lines = env_lines(path) if env_name else None
    current = envfile.value_of(lines, env_name) if env_name else read_current(path)
    if value is not None:
        new = value.strip()
        action = 'unchanged' if current is not None and hmac.compare_digest(current, new) else (
            'created' if current is None else 'replaced')
    elif module.params['regenerate'] or current is None:
        new = binascii.hexlify(os.urandom((module.params['length'] + 1) // 2)).decode('ascii')[:module.params['length']]
        action = 'rotated' if current is not None else 'created'
    else:
        new, action = current, 'unchanged'

    result = dict(changed=action != 'unchanged', path=path, action=action, rotation='untracked')
    if module._diff:
        what = '%s ' % env_name if env_name else ''
        result['diff'] = dict(before_header=path, after_header=path,
                              before='' if current is None else '%ssecret present (value hidden)\n' % what,
                              after='%ssecret present (value hidden)\n' % what if action == 'unchanged'
                              else '%ssecret %s (value hidden)\n' % (what, action))
    if tracked:
        record_path = item['record'] or (
            os.path.join(os.path.dirname(path), '%s.rotation.json' % env_name) if env_name else path + '.rotation.json')
        old_record = read_record(record_path)
        new_record = rotation_record(old_record, label, fingerprint(new), action, rotated_on, item['max_age_days'])
        result.update(record=record_path, rotated_on=new_record['rotated_on'], max_age_days=item['max_age_days'])
        record_changed = old_record != new_record
        result['changed'] |= record_changed

    if not module.check_mode:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o700)
            result['changed'] |= module.set_owner_if_different(folder, module.params['owner'], False)
            result['changed'] |= module.set_group_if_different(folder, module.params['group'], False)
        if action != 'unchanged':
            write_atomically(module, path, envfile.with_value(lines, env_name, new) if env_name else new)
        file_args = module.load_file_common_arguments(
            dict(path=path, mode='0600', owner=module.params['owner'], group=module.params['group']))
        result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'])
        if tracked:
            if record_changed:
                write_atomically(module, record_path, json.dumps(new_record, sort_keys=True))
            record_args = module.load_file_common_arguments(
                dict(path=record_path, mode='0600', owner=module.params['owner'], group=module.params['group']))
            result['changed'] = module.set_fs_attributes_if_different(record_args, result['changed'])
        result['fingerprint'] = fingerprint(new)
    elif current is not None and action == 'unchanged':
        result['fingerprint'] = fingerprint(current)

    overdue = judge_age(module, result, label) if tracked else None
    return result, overdue


def today():
    return datetime.datetime.utcnow().date()


def parse_date(module, text):
    if text is None or text == '':
        return None
    try:
        day = datetime.datetime.strptime(str(text), '%Y-%m-%d').date()
    except ValueError:
        module.fail_json(msg='rotated_on %r is not a date: write it as YYYY-MM-DD (the day the key was issued).' % text)
    if day > today():
        module.fail_json(msg='rotated_on %s is in the future: give the day the current key was issued.' % text)
    return day.isoformat()


def read_record(path):
    try:
        with open(path, 'r') as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def rotation_record(old, label, print_, action, rotated_on, max_age_days):
    """The record after this run: the inventory's date, else the kept date while the value is the same."""
    if rotated_on:
        day = rotated_on
    elif old and action == 'unchanged' and old.get('fingerprint') == print_ and old.get('rotated_on'):
        day = old['rotated_on']
    else:
        day = today().isoformat()
    return {'label': label, 'fingerprint': print_, 'rotated_on': day, 'max_age_days': max_age_days}


def judge_age(module, result, label):
    """Set the rotation state in ``result``; the message when the key is past its limit."""
    issued = datetime.datetime.strptime(result['rotated_on'], '%Y-%m-%d').date()
    age = (today() - issued).days
    limit = result['max_age_days']
    result['age_days'] = age
    if age > limit:
        result['rotation'] = 'overdue'
        message = ('%s is %d days old, past its rotation limit of %d days: issue a new key at the provider, put it '
                   'in vault and run again (the guide rotates production provider keys every 90 days, development '
                   'keys every 30).' % (label, age, limit))
        if not module.params['fail_when_overdue']:
            module.warn(message)
        return message
    if age >= limit - module.params['warn_days']:
        result['rotation'] = 'due'
        module.warn('%s is %d days old and due for rotation within %d days (limit %d).'
                    % (label, age, limit - age, limit))
    else:
        result['rotation'] = 'ok'
    return None


if __name__ == '__main__':
    main()
