#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: secret_scan
short_description: Find credentials left in OpenClaw's files and in git history
version_added: 1.0.0
description:
  - Searches files and folders (O(paths)) and the history of git repositories (O(repos)) for
    credentials written in clear, the way the hardening guide's "Check For Exposed Secrets" step
    does with C(rg -n "sk-|api_key|token|password|secret" ~/.openclaw) and
    C(git log --all -p | rg ...), but with rules that leave references and placeholders alone.
  - "Reports, with a C(kind): keys and tokens with a recognisable shape anywhere in a line
    (C(sk-ant-), C(sk-or-v1-), C(sk-proj-) and other C(sk-) keys, Telegram, Discord, GitHub and Slack tokens,
    AWS access key ids, JSON Web Tokens, C(-----BEGIN ... PRIVATE KEY-----) blocks; not when the match says
    C(example)); a key ending in C(api_key), C(apiKey), C(api-key), C(token), C(password), C(passwd), C(secret)
    or C(privateKey) that is assigned a literal value (C(key: value), C(key = value), C(\"key\": \"value\"),
    C(KEY=value)), kind C(keyword-assignment); long hex (32 or more characters) and base64 (40 or more, with letters
    and digits) runs; matches of O(patterns), kind C(custom)."
  - "A keyword assignment is not reported when its value is shorter than 8 characters or holds white space or
    characters outside printable ASCII (a label or a sentence); when it is a reference: an environment variable
    (C(${VAR}), C($VAR), C(env:VAR), or a name in capitals such as C(OPENAI_API_KEY)), a SecretRef object
    (C({\"source\": ...})), a template (C({{ ... }}), C(${...}) inside); a placeholder (C(<...>), C(changeme),
    C(replace-me), C(xxx), C(***), C(REDACTED), C(example), C(dummy), C(your-...), a value that itself says C(token),
    C(secret), C(password) or C(api-key), OpenClaw's C(ollama-local)-style marker); C(null), a boolean, a number or a
    file path; nor, when it is unquoted or in backticks, when it reads like code (a call, an index, a name without
    digits, or an attribute chain such as C(self.token))."
  - Long hex and base64 runs are reported only when one of the keywords above ends a word (C(token), C(--token),
    C(GATEWAY_TOKEN), not C(totalTokens)) at most 64 characters before them on the same line. Without that rule
    commit hashes, C(sha512-) integrity hashes, ids and signatures in logs and session files would bury the real
    findings.
  - When several rules match the same text, it is reported once, under the most specific kind.
  - In git history only added lines count, in every commit of every ref, so a key that was added and deleted again
    is still found. Rotate such a key; editing the file afterwards is not enough.
  - A finding never holds the secret or the line it is on, only where it is, its kind and a masked form made of the
    kind's public prefix and the length, such as V(sk-ant-…(108 chars\)) or V(apiKey=…(40 chars\)).
  - Never changes anything.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  paths:
    description:
      - Files and folders to search; folders are searched recursively. Usually OpenClaw's state folder and its log
        folder.
      - A path given here is followed when it is a symbolic link and searched even when O(exclude) matches it.
        Inside folders, symbolic links are not followed (they are listed in RV(unread)), and neither are files
        that look binary (a NUL byte in the first 8 KiB) or are larger than O(max_file_bytes).
      - A path that does not exist is listed in RV(missing); see O(require_paths).
    type: list
    elements: path
    default: []
  repos:
    description:
      - Git repositories whose whole history (C(git log --all -p)) is searched, added lines only.
      - Needs C(git) on the host. A path that is not a git repository fails the task.
    type: list
    elements: path
    default: []
  exclude:
    description:
      - Shell-style globs (C(fnmatch)) matched against each path below a folder of O(paths), relative to that folder
        (C(agents/main/agent/auth-profiles.json)), and against its base name. A matching folder is not entered.
      - Setting this option replaces the default list; use O(exclude_extra) to add to it.
      - "The default skips stores whose purpose is to hold secrets, and large content that is not the host's own:
        C(*.sqlite), C(*.sqlite-*), C(*.db) (OpenClaw's databases);
        C(credentials) (channel credentials OpenClaw keeps, such as WhatsApp keys and OAuth tokens);
        C(auth-profiles.json) (each agent's model credentials);
        C(identity) and C(devices) (the Gateway's device key pair and the tokens of paired devices);
        C(secrets) (the C(0600) files SecretRefs point at, see M(clawfleet.openclaw.openclaw_secret));
        C(gateway.env), C(gateway.token) (the Gateway service's environment and token files);
        C(.env) (OpenClaw's own environment file, the intended place for provider keys);
        C(npm), C(node_modules), C(extensions) (installed packages and plugins, full of test keys);
        C(control-ui-assets) (the Control UI's bundled web code, unpacked by 2026.9 Gateways);
        C(.git) (compressed objects; search history with O(repos))."
      - The C(.clawfleet.bak) backups M(clawfleet.openclaw.openclaw_config) keeps are searched on purpose, as an old
        C(openclaw.json) that held a literal key is a real exposure.
    type: list
    elements: str
    default: ['*.sqlite', '*.sqlite-*', '*.db', credentials, auth-profiles.json, identity, devices, secrets,
              gateway.env, gateway.token, .env, npm, node_modules, extensions, control-ui-assets, .git]
  exclude_extra:
    description: Globs added to O(exclude), same rules.
    type: list
    elements: str
    default: []
  patterns:
    description:
      - Extra Python regular expressions to report, kind C(custom). The whole match is the secret, or the group
        named C(secret) when there is one.
      - The finding's C(pattern) is the index of the expression in this list.
    type: list
    elements: str
    default: []
  accepted:
    description:
      - Exact RV(findings[].location) strings that are known not to be secrets, or that have been rotated and are
        accepted where they are (for example an old commit that will not be rewritten).
      - Accepted findings are returned in RV(accepted_findings) and do not fail the task; entries that match nothing
        are returned in RV(unused_accepted), so that stale ones can be removed.
    type: list
    elements: str
    default: []
  fail_on_findings:
    description:
      - Fail the task when there are findings that are not accepted. With V(false) they are returned and named
        (masked) in a warning.
    type: bool
    default: true
  require_paths:
    description: Fail when an entry of O(paths) does not exist, instead of listing it in RV(missing).
    type: bool
    default: false
  max_file_bytes:
    description: Files larger than this many bytes are not read; they are listed in RV(unread).
    type: int
    default: 5242880
  max_findings:
    description:
      - Stop searching once this many findings that are not accepted have been collected; RV(truncated) is then
        true.
    type: int
    default: 200
attributes:
  check_mode:
    support: full
    description: Read-only; searches the same in check mode.
  diff_mode:
    support: none
    description: Reports only; there is nothing to diff.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)), or as root, so that every file can be read. Files that
    cannot be read are listed in RV(unread).
  - A finding in a file is fixed by rotating the key, then replacing the literal with a SecretRef (see
    M(clawfleet.openclaw.openclaw_secret)). A finding in git history is fixed by rotating the key; rewriting the
    history is optional once the key is dead, and the location can then be accepted.
  - The rules are heuristics. A random-looking literal assigned to an unusual key name, or a secret that has no
    known shape and no keyword near it, is not found; add O(patterns) for credentials of your own.
seealso:
  - module: clawfleet.openclaw.openclaw_secret
  - module: clawfleet.openclaw.openclaw_audit
'''

EXAMPLES = r'''
- name: No credential in clear in OpenClaw's state and logs
  clawfleet.openclaw.secret_scan:
    paths:
      - /home/openclaw/.openclaw
      - /tmp/openclaw
  become: true
  become_user: openclaw

- name: Also search the history of the repository the workspace lives in
  clawfleet.openclaw.secret_scan:
    paths:
      - /home/openclaw/.openclaw
    repos:
      - /home/openclaw/.openclaw/workspace
    accepted:
      # a test fixture, not a key
      - /home/openclaw/.openclaw/workspace/notes.md:12
      # rotated in 2026-10; the history is not rewritten
      - /home/openclaw/.openclaw/workspace@0123456789ab:old/openclaw.json

- name: Report only, and show what was found
  clawfleet.openclaw.secret_scan:
    paths: ["{{ openclaw_state_dir }}"]
    exclude_extra:
      - "agents/*/sessions"
    patterns:
      - 'corp_live_[0-9a-f]{32}'
    fail_on_findings: false
  register: scan

- name: List the findings
  ansible.builtin.debug:
    msg: "{{ scan.findings | map(attribute='location') | list }}"
'''

RETURN = r'''
findings:
  description:
    - Possible secrets that are not accepted, one per location and kind, in the order found.
    - Never holds the secret or its line.
  returned: always
  type: list
  elements: dict
  contains:
    location:
      description:
        - Where it is, the string O(accepted) takes. C(<file>:<line>) for a file (absolute path),
          C(<repo>@<commit, 12 characters>:<path>) for git history.
      type: str
    file:
      description: The file; in git history, its path in the repository.
      type: str
    line:
      description:
        - Line number in the file; in git history, in the file as that commit left it (the first one when the
          commit added several of the same kind to the file).
      type: int
    commit:
      description: Full commit id (git history only).
      type: str
    repo:
      description: The repository, as an absolute path (git history only).
      type: str
    kind:
      description: What matched.
      type: str
      choices: [private-key, anthropic-api-key, openrouter-api-key, openai-project-key, sk-api-key, github-token,
                slack-token, aws-access-key-id, telegram-bot-token, jwt, discord-bot-token, custom, keyword-assignment,
                hex-token, base64-token]
    masked:
      description:
        - The kind's public prefix, an ellipsis and the length, such as V(sk-ant-…(108 chars\)); for a keyword
          assignment the key comes first, such as V(apiKey=…(40 chars\)); for a private key it is the C(BEGIN) line
          and an ellipsis.
      type: str
    count:
      description: How many matches of this kind the location holds.
      type: int
    pattern:
      description: Index in O(patterns) of the expression that matched (kind C(custom) only).
      type: int
  sample:
    - location: /home/openclaw/.openclaw/openclaw.json:42
      file: /home/openclaw/.openclaw/openclaw.json
      line: 42
      kind: anthropic-api-key
      masked: sk-ant-…(108 chars)
      count: 1
    - location: /srv/dotfiles@0123456789ab:openclaw/openclaw.json
      file: openclaw/openclaw.json
      line: 7
      commit: 0123456789abcdef0123456789abcdef01234567
      repo: /srv/dotfiles
      kind: keyword-assignment
      masked: botToken=…(46 chars)
      count: 1
accepted_findings:
  description: Findings whose location is in O(accepted), same fields as RV(findings).
  returned: always
  type: list
  elements: dict
  sample: []
unused_accepted:
  description:
    - Entries of O(accepted) that matched no finding. Not reliable when RV(truncated) is true, as the search stopped
      early.
  returned: always
  type: list
  elements: str
  sample: []
truncated:
  description: Whether the search stopped at O(max_findings).
  returned: always
  type: bool
  sample: false
scanned_files:
  description: Number of files read.
  returned: always
  type: int
  sample: 118
scanned_commits:
  description: Number of commits read, over all O(repos).
  returned: always
  type: int
  sample: 0
unread:
  description:
    - Files and folders that were not read, at most 500 (see RV(unread_count)). Excluded paths are not listed.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path.
      type: str
    reason:
      description: Why it was not read.
      type: str
      choices: [symlink, binary, too_large, unreadable, special]
    size:
      description: Its size in bytes (V(too_large) only).
      type: int
    error:
      description: The system's error (V(unreadable) only).
      type: str
  sample:
    - {path: /home/openclaw/.openclaw/media/inbound/photo.jpg, reason: binary}
    - {path: /home/openclaw/.openclaw/workspace/current, reason: symlink}
unread_count:
  description: Number of files and folders not read, including those beyond the 500 listed in RV(unread).
  returned: always
  type: int
  sample: 2
missing:
  description: Entries of O(paths) that do not exist (as absolute paths).
  returned: always
  type: list
  elements: str
  sample: [/tmp/openclaw]
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import secret_scan

# Findings named in the failure message; all of them are in the result.
MESSAGE_FINDINGS = 20


def normalized(path):
    return os.path.normpath(os.path.abspath(path))


def describe(finding):
    extra = ', added at line %d' % finding['line'] if 'commit' in finding and 'line' in finding else ''
    return '%s (%s, %s%s)' % (finding['location'], finding['kind'], finding['masked'], extra)


def failure_message(result):
    findings = result['findings']
    named = '; '.join(describe(finding) for finding in findings[:MESSAGE_FINDINGS])
    if len(findings) > MESSAGE_FINDINGS:
        named += '; and %d more (see findings)' % (len(findings) - MESSAGE_FINDINGS)
    if result['truncated']:
        named += '; the search stopped at max_findings, there may be more'
    return (
        'secret_scan found %d possible secret(s): %s. Rotate each real key (the guide: editing the file after the '
        'fact is not enough; for git history, rotate and then rewrite or accept), then remove it, or replace it with '
        'a SecretRef; or, if a finding is not a secret, add its exact location to `accepted`.' % (len(findings), named))


def check_repos(module, repos):
    git = module.get_bin_path('git')
    if git is None:
        module.fail_json(
            msg='repos is set but git is not installed on this host (not found on PATH). Install git, or drop repos '
                'to search files only.', changed=False)
    for repo in repos:
        if not os.path.isdir(repo):
            module.fail_json(
                msg='repos: %s %s; give the folder of a git repository.' % (
                    repo, 'is not a folder' if os.path.lexists(repo) else 'does not exist'), changed=False)
        rc, out, err = module.run_command(secret_scan.git_check_command(git, repo), environ_update={'LC_ALL': 'C'},
                                          check_rc=False)
        if rc != 0:
            module.fail_json(
                msg='repos: %s is not a git repository (git: %s). Give the folder of a repository, or remove it '
                    'from repos.' % (repo, (err or out).strip() or 'rc %d' % rc), changed=False)
    return git


def main():
    module = AnsibleModule(
        argument_spec=dict(
            paths=dict(type='list', elements='path', default=[]),
            repos=dict(type='list', elements='path', default=[]),
            exclude=dict(type='list', elements='str', default=list(secret_scan.DEFAULT_EXCLUDE)),
            exclude_extra=dict(type='list', elements='str', default=[]),
            patterns=dict(type='list', elements='str', default=[]),
            accepted=dict(type='list', elements='str', default=[]),
            fail_on_findings=dict(type='bool', default=True),
            require_paths=dict(type='bool', default=False),
            max_file_bytes=dict(type='int', default=secret_scan.DEFAULT_MAX_FILE_BYTES),
            max_findings=dict(type='int', default=secret_scan.DEFAULT_MAX_FINDINGS),
        ),
        supports_check_mode=True,
    )
    params = module.params
    paths = [normalized(path) for path in params['paths']]
    repos = [normalized(repo) for repo in params['repos']]
    if not paths and not repos:
        module.fail_json(msg='Nothing to search: give paths, repos or both.', changed=False)
    if params['max_file_bytes'] < 1:
        module.fail_json(msg='max_file_bytes must be 1 or more, got %d.' % params['max_file_bytes'], changed=False)
    if params['max_findings'] < 1:
        module.fail_json(msg='max_findings must be 1 or more, got %d.' % params['max_findings'], changed=False)
    try:
        scanner = secret_scan.Scanner(params['patterns'])
    except secret_scan.PatternError as exc:
        module.fail_json(msg='%s. Fix or remove that entry of patterns.' % exc, changed=False)

    git = check_repos(module, repos) if repos else None
    if params['require_paths']:
        absent = [path for path in paths if not os.path.exists(path)]
        if absent:
            module.fail_json(
                msg='paths: %s do(es) not exist (require_paths is true).' % ', '.join(absent), changed=False,
                missing=absent)

    scan = secret_scan.Scan(
        scanner,
        exclude=list(params['exclude']) + list(params['exclude_extra']),
        max_file_bytes=params['max_file_bytes'],
        max_findings=params['max_findings'],
        accepted=params['accepted'],
    )
    for path in paths:
        if scan.stopped:
            break
        scan.scan_path(path)
    for repo in repos:
        if scan.stopped:
            break
        rc, out, err = module.run_command(secret_scan.git_log_command(git, repo), environ_update={'LC_ALL': 'C'},
                                          check_rc=False, encoding=None)
        if rc != 0:
            module.fail_json(
                msg='git log failed in %s (rc %d): %s' % (repo, rc, secret_scan.decode(err).strip()), changed=False)
        scan.scan_git_log(repo, out)

    result = dict(changed=False, **scan.result())
    if result['findings'] and params['fail_on_findings']:
        module.fail_json(msg=failure_message(result), **result)
    if result['findings']:
        # Report mode (a check run, for one) still says what it found, masked.
        module.warn(failure_message(result))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
