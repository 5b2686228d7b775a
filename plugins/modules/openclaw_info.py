#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_info
short_description: Facts about the OpenClaw installed on a host, without starting it
version_added: 1.0.0
description:
  - Reports the installed OpenClaw version (from the npm package's C(package.json)), the executable,
    the config file and state folder, the Gateway port from the config, and whether and where
    something listens on that port (from the kernel's socket tables).
  - Starts no Node process, so it costs milliseconds and is safe on every run.
  - With O(reads), it also reads what a step would otherwise read in a round trip of its own later in the play -
    the cron jobs (for the agents role's premium-model guard), whether the Docker engine answers (for the
    sandbox role) and whether today's archive of the state folder is in place (for the archive step of
    C(playbooks/harden.yml)). Run it as the user OpenClaw runs as (C(become_user)), as those steps would.
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  port:
    description: Gateway port to look at. Defaults to C(gateway.port) from the config, else 18789.
    type: int
  reads:
    description:
      - More to read.
      - V(cron_jobs) reads the cron jobs from OpenClaw's state database (C(<state_dir>/state/openclaw.sqlite),
        table C(cron_jobs)), read-only and without starting Node, as M(clawfleet.openclaw.openclaw_activity) does
        with O(clawfleet.openclaw.openclaw_activity#module:cron_source=store); see RV(cron_jobs).
      - V(docker) runs C(docker version) (at most O(docker_timeout) seconds) to find out whether the Docker engine
        answers this user; see RV(docker).
      - V(state_archive) looks at the archive O(archive) as
        M(clawfleet.openclaw.openclaw_backup) with O(clawfleet.openclaw.openclaw_backup#module:state=archive_state)
        would, changing nothing; see RV(state_archive).
    type: list
    elements: str
    choices: [cron_jobs, docker, state_archive]
    default: []
  archive:
    description: The archive of the state folder to look at with O(reads=[state_archive]).
    type: path
  docker_timeout:
    description: Seconds C(docker version) may take before it is stopped and the engine counted as unreachable.
    type: int
    default: 60
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reports facts only.
'''

EXAMPLES = r'''
- name: Read OpenClaw facts
  clawfleet.openclaw.openclaw_info:
    home: /home/openclaw
  register: openclaw_facts

- name: Show the version
  ansible.builtin.debug:
    msg: "OpenClaw {{ openclaw_facts.version }} listens on {{ openclaw_facts.gateway_listeners | map(attribute='address') }}"
'''

RETURN = r'''
installed:
  description: Whether an OpenClaw executable was found.
  returned: always
  type: bool
  sample: true
version:
  description: Installed OpenClaw version, or null when not installed.
  returned: always
  type: str
  sample: 2026.9.6
binary:
  description: Path of the executable.
  returned: always
  type: str
  sample: /usr/local/bin/openclaw
package_root:
  description: Folder of the installed npm package.
  returned: always
  type: str
  sample: /usr/lib/node_modules/openclaw
home:
  description: Home folder used.
  returned: always
  type: str
  sample: /home/openclaw
state_dir:
  description: State folder.
  returned: always
  type: str
  sample: /home/openclaw/.openclaw
config_path:
  description: Config file path.
  returned: always
  type: str
  sample: /home/openclaw/.openclaw/openclaw.json
config_exists:
  description: Whether the config file exists.
  returned: always
  type: bool
  sample: true
config_mode:
  description: Octal mode of the config file, or null when missing.
  returned: always
  type: str
  sample: '0600'
config_parse_error:
  description: Why the config could not be read as strict JSON, or null.
  returned: always
  type: str
  sample: null
user_id:
  description: Numeric id of the user the module ran as (the user OpenClaw runs as when run with C(become_user)).
  returned: always
  type: int
  sample: 1000
gateway_port:
  description: Gateway port (from the option, the config, or the default 18789).
  returned: always
  type: int
  sample: 18789
gateway_bind:
  description: C(gateway.bind) from the config, or null when unset or unreadable.
  returned: always
  type: str
  sample: loopback
gateway_listening:
  description: Whether anything listens on the Gateway port.
  returned: always
  type: bool
  sample: true
gateway_listeners:
  description: Listening sockets on the Gateway port.
  returned: always
  type: list
  elements: dict
  sample: [{address: 127.0.0.1, family: ipv4, port: 18789, loopback: true}]
config_channels:
  description:
    - Names of the chat channels configured under C(channels) (C(defaults) and C(modelByChannel) are settings, not
      channels), sorted; empty when the config is missing or unreadable. Names only, never a channel's settings.
  returned: always
  type: list
  elements: str
  sample: [discord, telegram]
env_file_names:
  description:
    - Names of the variables set in the state folder's C(.env), which OpenClaw loads at start, sorted; empty when
      there is no such file, null when it cannot be read. Names only, never a value.
    - Lets a role skip the round trip that would remove a variable the file does not set.
  returned: always
  type: list
  elements: str
  sample: [OPENCLAW_HOOKS_TOKEN]
cron_jobs:
  description:
    - The cron jobs in the state database, each with the model it runs, as
      M(clawfleet.openclaw.openclaw_activity) returns them (see its RV(clawfleet.openclaw.openclaw_activity#module:cron_jobs)
      for the keys); empty when there is no database or no job yet; null when the database could not be read
      (RV(cron_jobs_error) says why). Job prompts are not returned.
  returned: when O(reads) contains V(cron_jobs)
  type: list
  elements: dict
  sample:
    - {id: d3ea9fbd-33e5-4b19-a157-533ef6f96f8f, name: nightly-digest, enabled: true, agent_id: main,
       payload_kind: agentTurn, model: anthropic/claude-opus-4-5, models: [anthropic/claude-opus-4-5],
       model_source: job, schedule: {kind: every, everyMs: 21600000}, managed_by: null}
cron_jobs_error:
  description: Why the state database could not be read, or null.
  returned: when O(reads) contains V(cron_jobs)
  type: str
  sample: null
docker:
  description: Whether C(docker version) answered for the user the module ran as.
  returned: when O(reads) contains V(docker)
  type: dict
  contains:
    reachable:
      description: Whether C(docker version) exited 0 (the client reached the engine).
      type: bool
    error:
      description: Why not (the end of its error output, or that no C(docker) executable was found), else null.
      type: str
  sample: {reachable: false, error: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."}
state_archive:
  description: Whether the archive O(archive) is in place as an archive step would leave it.
  returned: when O(reads) contains V(state_archive)
  type: dict
  contains:
    path:
      description: The archive looked at (O(archive)).
      type: str
    in_place:
      description:
        - True when the step would change nothing - the archive exists outside the state folder, a C(0600) file
          in a C(0700) folder, both this user's; false when it would make it or change a mode, or would refuse
          (a link, another owner, a path in the state folder), which the step then says itself.
      type: bool
  sample: {path: /home/openclaw/openclaw-backups/openclaw-state-20261202.tar.gz, in_place: true}
'''

import errno
import os
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import activity, private
from ansible_collections.clawfleet.openclaw.plugins.module_utils.backup import BackupError, check_outside_state
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    TIMEOUT_RC, current_user, find_binary, host_argument_spec, package_root, package_version, user_home)
from ansible_collections.clawfleet.openclaw.plugins.module_utils.config_core import (
    ConfigParseError, get_path, load_strict)
from ansible_collections.clawfleet.openclaw.plugins.module_utils.envfile import names as assigned_names
from ansible_collections.clawfleet.openclaw.plugins.module_utils.listen import listeners

DEFAULT_PORT = 18789
# Keys under `channels` that hold shared settings rather than one channel.
NOT_CHANNELS = ('defaults', 'modelByChannel')


def env_file_names(path):
    """The names the environment file at ``path`` sets: [] when it is missing, None when it cannot be read."""
    try:
        with open(path) as handle:
            return assigned_names(handle.read().splitlines())
    except (IOError, OSError) as exc:
        return [] if exc.errno == errno.ENOENT else None
    except ValueError:
        # not text in the locale's encoding: unknown, like an unreadable file
        return None


def cron_jobs(state_dir, config):
    """(jobs, error): the state database's cron jobs, or None and why they could not be read."""
    try:
        return activity.jobs_in_store(state_dir, config), None
    except activity.ActivityError as exc:
        return None, str(exc)


def docker_answers(module, timeout):
    """{reachable, error}: whether ``docker version`` exits 0 for this user within ``timeout`` seconds."""
    docker = module.get_bin_path('docker')
    if not docker:
        return dict(reachable=False, error='no docker executable on the PATH')
    rc, dummy, err = module.run_command(['timeout', '--kill-after=10', str(timeout), docker, 'version'])
    if rc == 0:
        return dict(reachable=True, error=None)
    if rc in (TIMEOUT_RC, 128 + 9):
        # stopped by timeout(1), or killed by it when it would not stop
        return dict(reachable=False, error='`docker version` did not answer within %d s' % timeout)
    lines = [line for line in err.strip().splitlines() if line.strip()]
    return dict(reachable=False, error=lines[-1].strip() if lines else '`docker version` exited %d' % rc)


def state_archive_in_place(archive, state_dir):
    """Whether openclaw_backup's archive_state step would change nothing for ``archive`` (nothing is changed)."""
    try:
        check_outside_state(archive, state_dir, 'The archive')
        return (os.path.lexists(archive)
                and private.keep_private(os.path.dirname(archive), 0o700, True, True, create=True) is None
                and private.keep_private(archive, 0o600, False, True) is None)
    except (BackupError, private.PrivateError, OSError):
        return False


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host_argument_spec(),
            port=dict(type='int'),
            reads=dict(type='list', elements='str', choices=['cron_jobs', 'docker', 'state_archive'], default=[]),
            docker_timeout=dict(type='int', default=60),
            archive=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    if 'state_archive' in module.params['reads'] and not module.params['archive']:
        module.fail_json(msg='reads contains state_archive: give archive, the path of the archive to look at.')
    if module.params['docker_timeout'] < 1:
        module.fail_json(msg='docker_timeout must be at least 1 second, got %d.' % module.params['docker_timeout'])
    home = module.params['home'] or user_home(current_user())
    state_dir = module.params['state_dir'] or os.path.join(home, '.openclaw')
    config_path = module.params['config_path'] or os.path.join(state_dir, 'openclaw.json')
    binary = find_binary(module.params['openclaw_bin'], home, module.get_bin_path)

    config, parse_error, mode = {}, None, None
    if os.path.exists(config_path):
        mode = '%04o' % stat.S_IMODE(os.stat(config_path).st_mode)
        try:
            with open(config_path) as handle:
                config = load_strict(handle.read())
        except ConfigParseError as exc:
            parse_error = str(exc)
        except (IOError, OSError) as exc:
            parse_error = 'cannot read: %s' % exc

    port = module.params['port'] or get_path(config, 'gateway.port') or DEFAULT_PORT
    if not isinstance(port, int):
        port = DEFAULT_PORT
    found = listeners(port)
    channels = config.get('channels') if isinstance(config, dict) else None
    channel_names = sorted(name for name, value in channels.items()
                           if name not in NOT_CHANNELS and isinstance(value, dict)) if isinstance(channels, dict) else []
    facts = dict(
        changed=False,
        installed=bool(binary),
        version=package_version(binary) if binary else None,
        binary=binary,
        package_root=package_root(binary) if binary else None,
        home=home,
        user_id=os.getuid(),
        state_dir=state_dir,
        config_path=config_path,
        config_exists=os.path.exists(config_path),
        config_mode=mode,
        config_parse_error=parse_error,
        gateway_port=port,
        gateway_bind=get_path(config, 'gateway.bind'),
        gateway_listening=bool(found),
        gateway_listeners=found,
        config_channels=channel_names,
        env_file_names=env_file_names(os.path.join(state_dir, '.env')),
    )
    if 'cron_jobs' in module.params['reads']:
        facts['cron_jobs'], facts['cron_jobs_error'] = cron_jobs(state_dir, config if isinstance(config, dict) else {})
    if 'state_archive' in module.params['reads']:
        archive = module.params['archive']
        facts['state_archive'] = dict(path=archive, in_place=state_archive_in_place(archive, state_dir))
    if 'docker' in module.params['reads']:
        facts['docker'] = docker_answers(module, module.params['docker_timeout'])
    module.exit_json(**facts)


if __name__ == '__main__':
    main()
