#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_activity
short_description: Read what OpenClaw ran recently (background tasks, cron jobs and their runs)
version_added: 1.0.0
description:
  - "Reads, without changing anything, what the hardening guide's cost controls (section 5) and emergency
    response (section 11) ask to review: C(openclaw tasks audit --json) (stale, lost or broken background
    tasks), the cron jobs (C(openclaw cron list --json)) and each job's recent runs
    (C(openclaw cron runs --id <id> --limit <n>))."
  - Each CLI call runs under a hard timeout. C(cron list) and C(cron runs) need a running Gateway;
    C(tasks audit) does not.
  - With O(cron_source=store) the cron jobs are read from OpenClaw's state database
    (C(<state_dir>/state/openclaw.sqlite), table C(cron_jobs)) in read-only mode, without starting Node or
    needing the Gateway (measured on 2026.9.6 and 2026.6.5, which both keep the job there as JSON).
  - Each job is returned with the model it runs (RV(cron_jobs[].model)) - its own model override, else its
    agent's model in C(openclaw.json), else the agents' default - and, with O(premium_models), the enabled
    jobs whose models match (RV(premium_jobs)). Job prompts and run transcripts are not returned.
  - The module is read-only; it runs the same in check mode.
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  reads:
    description:
      - What to read. V(cron_runs) implies reading the jobs (their ids).
    type: list
    elements: str
    choices: [tasks_audit, cron_jobs, cron_runs]
    default: [tasks_audit, cron_jobs, cron_runs]
  cron_source:
    description:
      - Where to read the cron jobs from. V(cli) asks the running Gateway (C(openclaw cron list --json), about
        1.3 s); V(store) reads the state database directly (no Node start, works with the Gateway stopped).
      - Runs (V(cron_runs)) always come from the CLI.
    type: str
    choices: [cli, store]
    default: cli
  runs_limit:
    description: Most recent runs to read per job (C(--limit)).
    type: int
    default: 50
  premium_models:
    description:
      - Regular expressions (case-insensitive, searched in C(provider/model)) of premium models;
        RV(premium_jobs) lists the enabled jobs whose models match.
    type: list
    elements: str
    default: []
  partial:
    description:
      - When V(true), a read that fails (for example C(cron list) with the Gateway stopped) is listed in
        RV(errors) and the other reads still return; when V(false) the first failed read fails the task.
    type: bool
    default: false
  timeout:
    description: Seconds one CLI call may take.
    type: int
    default: 60
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same reads in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
notes:
  - Run it as the user OpenClaw runs as (C(become_user)), with the Gateway's environment, so the CLI finds
    the Gateway token the way the service does.
  - It cannot see the provider's side; spend and key usage are on the provider's dashboard.
'''

EXAMPLES = r'''
- name: Collect the task audit and recent cron runs (emergency review)
  clawfleet.openclaw.openclaw_activity:
    home: /home/openclaw
    partial: true
  become: true
  become_user: openclaw
  register: activity

- name: Cron jobs that run a premium model, without starting Node
  clawfleet.openclaw.openclaw_activity:
    home: /home/openclaw
    reads: [cron_jobs]
    cron_source: store
    premium_models: ['claude-opus', 'gpt-5(\.[0-9]+)*-pro']
  become: true
  become_user: openclaw
  register: cron
'''

RETURN = r'''
changed:
  description: Always false; the module only reads.
  returned: always
  type: bool
openclaw_version:
  description: Version of the host's OpenClaw, from its package.json.
  returned: always
  type: str
  sample: 2026.9.6
tasks_audit:
  description: C(openclaw tasks audit --json) as counts and findings; null when not read or failed.
  returned: always
  type: dict
  contains:
    total:
      description: Number of findings.
      type: int
    warnings:
      description: Findings of severity warning.
      type: int
    errors:
      description: Findings of severity error.
      type: int
    by_code:
      description: Findings per code (C(stale_queued), C(stale_running), C(lost), C(delivery_failed), ...).
      type: dict
    task_flows:
      description: TaskFlow totals (C(total), C(warnings), C(errors)).
      type: dict
    findings:
      description: OpenClaw's findings as printed.
      type: list
      elements: dict
cron_jobs:
  description: The cron jobs; null when not read or failed.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Job id.
      type: str
    name:
      description: Job name.
      type: str
    enabled:
      description: Whether the job is enabled.
      type: bool
    agent_id:
      description: Agent the job runs as (a job that names none runs as the default agent, C(main) unless
        C(openclaw.json) marks another one C(default)).
      type: str
    payload_kind:
      description: C(agentTurn), C(heartbeat), C(systemEvent) or C(command).
      type: str
    model:
      description: First model the job runs (null for jobs that run no agent turn).
      type: str
    models:
      description: Model and fallbacks the job runs.
      type: list
      elements: str
    model_source:
      description: V(job) (the job's own override), V(agent) (its agent's model) or V(default) (agents.defaults).
      type: str
    schedule:
      description: Schedule kind and expression or interval.
      type: dict
    managed_by:
      description: OpenClaw's declaration key for jobs it creates itself (heartbeat, memory), else null.
      type: str
  sample:
    - {id: d3ea9fbd-33e5-4b19-a157-533ef6f96f8f, name: nightly-digest, enabled: true, agent_id: null,
       payload_kind: agentTurn, model: anthropic/claude-opus-4-5, models: [anthropic/claude-opus-4-5],
       model_source: job, schedule: {kind: every, everyMs: 21600000}, managed_by: null}
cron_runs:
  description: Recent runs per job id, newest first as OpenClaw prints them, without transcripts.
  returned: always
  type: dict
  sample:
    d3ea9fbd-33e5-4b19-a157-533ef6f96f8f:
      - {ts: 1796035722699, run_id: "manual:d3ea...:1", status: error, error_reason: model_not_found,
         duration_ms: 2238, model: anthropic/claude-opus-4-5, total_tokens: null}
premium_jobs:
  description: Enabled jobs whose models match O(premium_models), with the matching models in C(premium).
  returned: always
  type: list
  elements: dict
errors:
  description: Reads that failed with O(partial=true), as C({read, msg}).
  returned: always
  type: list
  elements: dict
commands:
  description: The CLI calls made (without secrets).
  returned: always
  type: list
  elements: str
'''

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import activity
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, host_argument_spec)


def read_config(path):
    """openclaw.json as strict JSON, or {} (models then resolve from the jobs alone)."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return {}


class Reader(object):
    def __init__(self, module, cli, partial):
        self.module = module
        self.cli = cli
        self.partial = partial
        self.errors = []
        self.commands = []

    def failed(self, read, msg, result):
        if not self.partial:
            failed = dict(result, errors=self.errors + [{'read': read, 'msg': msg}], commands=self.commands)
            self.module.fail_json(msg=msg, **failed)
        self.errors.append({'read': read, 'msg': msg})

    def json(self, read, args, result):
        self.commands.append(' '.join(['openclaw'] + args))
        try:
            run = self.cli.run(args, json_output=True, check=False)
        except OpenClawCLIError as exc:
            self.failed(read, str(exc), result)
            return None
        if run.rc != 0 or run.data is None:
            self.failed(read, '`%s` failed (exit code %d): %s. %s' % (
                ' '.join(run.cmd), run.rc, activity.cli_error(run),
                'Is the Gateway running? Start it, or read the jobs with cron_source=store.'
                if read != 'tasks_audit' else 'Run it by hand as the OpenClaw user to see why.'), result)
            return None
        return run.data


def main():
    module = AnsibleModule(
        argument_spec=dict(
            reads=dict(type='list', elements='str', choices=['tasks_audit', 'cron_jobs', 'cron_runs'],
                       default=['tasks_audit', 'cron_jobs', 'cron_runs']),
            cron_source=dict(type='str', choices=['cli', 'store'], default='cli'),
            runs_limit=dict(type='int', default=50),
            premium_models=dict(type='list', elements='str', default=[]),
            partial=dict(type='bool', default=False),
            timeout=dict(type='int', default=60),
            **host_argument_spec()
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds.', changed=False)
    if params['runs_limit'] < 1:
        module.fail_json(msg='runs_limit must be 1 or more (it is the number of recent runs read per job).',
                         changed=False)
    for pattern in params['premium_models']:
        try:
            re.compile(pattern)
        except re.error as exc:
            module.fail_json(msg='premium_models has %r, which is not a regular expression (%s).' % (pattern, exc),
                             changed=False)

    cli = OpenClawCLI(module, binary=params['openclaw_bin'], home=params['home'],
                      config_path=params['config_path'], state_dir=params['state_dir'],
                      timeout=params['timeout'])
    state_dir = params['state_dir'] or os.path.join(cli.home, '.openclaw')
    config_path = params['config_path'] or os.path.join(state_dir, 'openclaw.json')
    reads = set(params['reads'])
    needs_cli = 'tasks_audit' in reads or 'cron_runs' in reads or (
        'cron_jobs' in reads and params['cron_source'] == 'cli')
    if needs_cli:
        cli.require_binary()
    version = cli.version
    result = dict(changed=False, openclaw_version=version, tasks_audit=None, cron_jobs=None, cron_runs={},
                  premium_jobs=[], errors=[], commands=[])
    reader = Reader(module, cli, params['partial'])

    if 'tasks_audit' in reads:
        data = reader.json('tasks_audit', ['tasks', 'audit', '--json'], result)
        if data is not None:
            try:
                result['tasks_audit'] = activity.summarize_audit(data)
            except activity.ActivityError as exc:
                reader.failed('tasks_audit', str(exc), result)

    jobs = None
    if 'cron_jobs' in reads or 'cron_runs' in reads:
        config = read_config(config_path)
        if params['cron_source'] == 'store':
            try:
                jobs = activity.jobs_in_store(state_dir, config)
            except activity.ActivityError as exc:
                reader.failed('cron_jobs', '%s; use cron_source=cli to ask the CLI instead.' % exc, result)
        else:
            models, default_models = activity.agent_models(config)
            fallback_agent = activity.default_agent(config)
            data = reader.json('cron_jobs', ['cron', 'list', '--json'], result)
            if data is not None:
                try:
                    jobs = activity.jobs_from_list(data, models, default_models, fallback_agent)
                except activity.ActivityError as exc:
                    reader.failed('cron_jobs', str(exc), result)
        result['cron_jobs'] = jobs
        if jobs is not None:
            result['premium_jobs'] = activity.premium_jobs(jobs, params['premium_models'])

    if 'cron_runs' in reads and jobs:
        for job in jobs:
            args = activity.cron_runs_args(job['id'], params['runs_limit'], version)
            data = reader.json('cron_runs', args, result)
            if data is None:
                continue
            try:
                result['cron_runs'][job['id']] = activity.runs_from_output(data)
            except activity.ActivityError as exc:
                reader.failed('cron_runs', str(exc), result)

    result['errors'] = reader.errors
    result['commands'] = reader.commands
    module.exit_json(**result)


if __name__ == '__main__':
    main()
