#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_secret
short_description: Keep one secret in a private single-value file for an OpenClaw SecretRef
version_added: 1.0.0
description:
  - "Ensures that a file holds exactly one secret value (a Gateway token, a provider key, a bot token),
    mode C(0600), so that C(openclaw.json) can point at it with a C(file) SecretRef
    (C(secrets.providers.<alias>) with C(mode: singleValue)) instead of holding the secret itself."
  - When no I(value) is given, an existing file is kept as it is, and a missing one gets a new random
    value of I(length) hexadecimal characters, so a host keeps its own secret across runs.
  - The value is never returned, logged or shown in a diff; the diff says only whether it changes.
  - The file is written atomically (temporary file in the same folder, fsync, rename); its folder is
    created C(0700) when missing.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  path:
    description: Absolute path of the secret file.
    type: path
    required: true
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
'''

RETURN = r'''
path:
  description: Path of the secret file.
  returned: always
  type: str
  sample: /home/openclaw/.openclaw/secrets/gateway-token
action:
  description: What was (or in check mode would be) done.
  returned: always
  type: str
  sample: created
  choices: [created, replaced, rotated, unchanged]
fingerprint:
  description: First 12 hex characters of the SHA-256 of the stored value, to tell values apart without showing them.
  returned: when the file exists after the run (not in check mode for a new file)
  type: str
  sample: 3f2a9c01d4e7
'''

import binascii
import hashlib
import hmac
import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule


def fingerprint(value):
    return hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]


def read_current(path):
    try:
        with open(path, 'r') as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return None


def write_atomically(module, path, value):
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=folder)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (value + '\n').encode('utf-8'))
        os.fsync(fd)
        os.close(fd)
        fd = None
        os.rename(tmp, path)
    except (IOError, OSError) as exc:
        if fd is not None:
            os.close(fd)
        if os.path.exists(tmp):
            os.unlink(tmp)
        module.fail_json(msg='could not write %s: %s' % (path, exc))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            value=dict(type='str', no_log=True),
            length=dict(type='int', default=64),
            min_length=dict(type='int', default=32),
            regenerate=dict(type='bool', default=False),
            owner=dict(type='str'),
            group=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    path = module.params['path']
    value = module.params['value']
    if value is not None and module.params['regenerate']:
        module.fail_json(msg='value and regenerate=true exclude each other: give the new secret, or let one be generated')
    if not os.path.isabs(path):
        module.fail_json(msg='path must be absolute, got %s' % path)
    if value is not None and len(value.strip()) < module.params['min_length']:
        module.fail_json(msg='the secret for %s is shorter than %d characters; use a long random value '
                             '(for example: openssl rand -hex 32)' % (path, module.params['min_length']))
    if module.params['length'] < module.params['min_length']:
        module.fail_json(msg='length must be at least min_length (%d)' % module.params['min_length'])

    if os.path.islink(path) or (os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode)):
        module.fail_json(msg='%s must be a regular file, not a link: OpenClaw refuses linked secret files. '
                             'Remove the link (or point the variable at the real file) and run again.' % path)
    current = read_current(path)
    if value is not None:
        new = value.strip()
        action = 'unchanged' if current is not None and hmac.compare_digest(current, new) else (
            'created' if current is None else 'replaced')
    elif module.params['regenerate'] or current is None:
        new = binascii.hexlify(os.urandom((module.params['length'] + 1) // 2)).decode('ascii')[:module.params['length']]
        action = 'rotated' if current is not None else 'created'
    else:
        new, action = current, 'unchanged'

    result = dict(changed=action != 'unchanged', path=path, action=action)
    if module._diff:
        result['diff'] = dict(before_header=path, after_header=path,
                              before='' if current is None else 'secret present (value hidden)\n',
                              after='secret present (value hidden)\n' if action == 'unchanged'
                              else 'secret %s (value hidden)\n' % action)

    if not module.check_mode:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o700)
            result['changed'] |= module.set_owner_if_different(folder, module.params['owner'], False)
            result['changed'] |= module.set_group_if_different(folder, module.params['group'], False)
        if action != 'unchanged':
            write_atomically(module, path, new)
        file_args = module.load_file_common_arguments(
            dict(path=path, mode='0600', owner=module.params['owner'], group=module.params['group']))
        result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'])
        result['fingerprint'] = fingerprint(new)
    elif current is not None and action == 'unchanged':
        result['fingerprint'] = fingerprint(current)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
