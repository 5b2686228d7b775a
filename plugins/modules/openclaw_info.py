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
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  port:
    description: Gateway port to look at. Defaults to C(gateway.port) from the config, else 18789.
    type: int
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
'''

import errno
import os
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    current_user, find_binary, host_argument_spec, package_root, package_version, user_home)
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


def main():
    module = AnsibleModule(
        argument_spec=dict(host_argument_spec(), port=dict(type='int')),
        supports_check_mode=True,
    )
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
    module.exit_json(
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


if __name__ == '__main__':
    main()
