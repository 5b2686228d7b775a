# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Where OpenClaw lives on the host; matches cli.host_argument_spec().
    DOCUMENTATION = r'''
options:
  openclaw_bin:
    description: Path of the C(openclaw) executable. Searched on C(PATH) and in common places when unset.
    type: path
  home:
    description:
      - Home folder of the user OpenClaw runs as (C(HOME) of the CLI). Defaults to the home of the user
        running the module.
    type: path
  state_dir:
    description: OpenClaw's state folder (C(OPENCLAW_STATE_DIR)). Defaults to C(<home>/.openclaw).
    type: path
  config_path:
    description: Path of C(openclaw.json) (C(OPENCLAW_CONFIG_PATH)). Defaults to C(<state_dir>/openclaw.json).
    type: path
'''
