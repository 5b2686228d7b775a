#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: guards
short_description: Check a role's settings on the controller before the host is touched, naming every broken rule
version_added: 0.3.0
description:
  - Each role of the collection refuses unsafe or malformed settings before it reads or changes a host. This action
    evaluates all of a role's rules in one task on the controller, where one M(ansible.builtin.assert) task per rule
    would cost a task (a worker and its callbacks) per rule and host.
  - Every rule is a list of conditions (O(rules[].that)), as in M(ansible.builtin.assert); a rule is broken when one
    of them is false, and its message O(rules[].msg) is templated then. The task fails with the messages of every
    broken rule, one per line, in the order of the rules, so a run with several bad settings names them all at once.
  - A rule whose conditions cannot be evaluated after an earlier rule broke is left out (it may rely on what the
    earlier rule checked, such as a number or a list); with no earlier broken rule, the task fails naming it.
  - When the role was entered through a tasks file that has no argument spec of its own (the C(collect) entry that
    C(playbooks/harden.yml) uses, or C(guards)), Ansible has not checked the role's variables; the action checks
    them first against the role's C(main) argument spec, as Ansible's M(ansible.builtin.validate_argument_spec)
    does when a role starts, and fails with the same message before any rule is evaluated. Through C(main), Ansible
    has checked them already and the action does not check them again.
  - Runs on the controller only; it never connects to the host.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  rules:
    description: The rules, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What the rule checks; returned in RV(broken) when it breaks.
        type: str
      that:
        description: Conditions, as in M(ansible.builtin.assert); raw Jinja expressions, without C({{ }}).
        type: list
        elements: raw
        required: true
      msg:
        description: The message when the rule breaks; it should name the variable and the fix.
        type: str
        required: true
      loop:
        description: A list (or an expression giving one); the rule is checked for each element as C(item).
        type: raw
      when:
        description: A condition; the rule is checked only when it is true (for each C(item) with O(rules[].loop)).
        type: raw
attributes:
  check_mode:
    support: full
    description: Checks the same way; it never changes anything.
  diff_mode:
    support: none
    description: It changes nothing, so there is nothing to show.
notes:
  - The rules are templated by the action itself, one at a time, not before it runs, so that a message is rendered
    only when its rule breaks.
seealso:
  - module: ansible.builtin.assert
'''

EXAMPLES = r'''
- name: Refuse unsafe or malformed logging settings before touching the host
  clawfleet.openclaw.guards:
    rules:
      - name: The file log level keeps the events the guide says to always log
        that: openclaw_logging_level in ['info', 'debug', 'trace']
        msg: "openclaw_logging_level={{ openclaw_logging_level }} would drop events; use info (the default)."
      - name: Retention periods are whole days
        that: item.value | string is match('^[0-9]+$')
        msg: "{{ item.key }} must be a whole number of days, got {{ item.value }}."
        loop:
          - {key: openclaw_logging_session_retention_days, value: "{{ openclaw_logging_session_retention_days }}"}
          - {key: openclaw_logging_media_retention_days, value: "{{ openclaw_logging_media_retention_days }}"}
'''

RETURN = r'''
rules:
  description: How many rules were checked.
  returned: always
  type: int
  sample: 14
broken:
  description: The names of the broken rules (one entry per failing loop element), in order.
  returned: always
  type: list
  elements: str
  sample: [The file log level keeps the events the guide says to always log]
argument_errors:
  description: What is wrong with the role's variables against its C(main) argument spec; the rules were not checked.
  returned: when the variables do not match the argument spec
  type: list
  elements: str
  sample: ["argument 'openclaw_gateway_port' is of type str and we were unable to convert to int"]
msg:
  description: The messages of the broken rules, one per line, or that all rules passed.
  returned: always
  type: str
'''
