# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role's refusals in one controller-side task (documented in plugins/modules/guards.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.six import string_types
from ansible.plugins.action import ActionBase
from ansible.template import is_trusted_as_template, trust_as_template


class ActionModule(ActionBase):
    """Evaluate every rule of a role's guards on the controller; fail naming every broken one."""

    _requires_connection = False
    TRANSFERS_FILES = False

    @classmethod
    def finalize_task_arg(cls, name, value, templar, context):
        # The rules are templated here, one by one and only as far as needed
        # (a message only when its rule fails), as assert does with `that`.
        if name == 'rules':
            return value
        return super(ActionModule, cls).finalize_task_arg(name, value, templar, context)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        rules = self._task.args.get('rules')
        if not isinstance(rules, list) or not rules:
            return dict(failed=True, msg='guards needs rules: a list of {name, that, msg} (loop and when optional).')
        invalid = self._unchecked_role_arguments(task_vars or {})
        if invalid:
            # The rules may rely on the types the argument spec checks.
            result.update(failed=True, changed=False, argument_errors=invalid, rules=len(rules), broken=[],
                          msg='Validation of arguments failed:\n%s' % '\n'.join(invalid))
            return result
        broken = []
        for index, rule in enumerate(rules):
            if not isinstance(rule, dict) or 'that' not in rule or 'msg' not in rule:
                return dict(failed=True, msg='guards rule %d needs that and msg, got %r.' % (index + 1, rule))
            try:
                broken.extend(self._check(rule))
            except AnsibleError as exc:
                if broken:
                    # An earlier refusal explains it: a later rule may rely on
                    # what an earlier one checked (a number, a list).
                    break
                return dict(failed=True, msg='guards rule "%s" could not be checked: %s'
                            % (rule.get('name', index + 1), exc))
        result.update(changed=False, rules=len(rules), broken=[name for name, dummy in broken])
        if broken:
            result.update(failed=True, msg='\n'.join(message for dummy, message in broken))
        else:
            result['msg'] = 'All %d rules passed.' % len(rules)
        return result

    def _unchecked_role_arguments(self, task_vars):
        """The errors of the role's variables against its main argument spec, when Ansible did not check them.

        Ansible checks a role's variables when the role is entered through an entry point that has an argument
        spec (main); playbooks/harden.yml enters each role through collect.yml, which has none, to spare a task
        per role and host. The same check is made here then, as Ansible's validate_argument_spec makes it.
        """
        role = self._task._role
        if role is None:
            return []
        specs = role._get_role_argspecs()
        entry_point = role._from_files.get('tasks', 'main')
        if 'main' not in specs or entry_point in specs:
            return []
        spec = specs['main'].get('options') or {}
        provided = dict((name, task_vars[name]) for name in spec if name in task_vars)
        provided = self._templar.template(provided)
        provided.update(role._role_params or {})
        checked = ArgumentSpecValidator(spec).validate(provided, validate_role_argument_spec=True)
        return list(checked.error_messages)

    def _check(self, rule):
        """The (name, message) of each way ``rule`` is broken: one per failing loop item."""
        templar = self._templar
        looping = 'loop' in rule
        if looping:
            items = templar.template(rule['loop'])
            if isinstance(items, string_types) or not isinstance(items, (list, tuple)):
                raise AnsibleError('its loop must give a list, got %r' % (items,))
        else:
            items = [None]
        thats = rule['that'] if isinstance(rule['that'], list) else [rule['that']]
        passes = _passing_expression(thats, rule.get('when'))
        found = []
        for item in items:
            # ``item`` as a variable, not a local of the expression: the role's variables may use it too.
            scoped = self._scoped(templar, item if looping else _NO_ITEM)
            # One compile per rule and item where a condition each would cost one each; only a plain pass is
            # taken from it: anything else is judged again, one condition at a time, as assert judges it.
            if passes is not None and _evaluates_true(scoped, passes):
                continue
            if self._broken_one_by_one(scoped, rule, thats):
                found.append((rule.get('name', ''), scoped.template(rule['msg'])))
        return found

    @staticmethod
    def _broken_one_by_one(scoped, rule, thats):
        """Whether ``rule`` is broken, each condition evaluated as assert and when evaluate it."""
        if 'when' in rule and not scoped.evaluate_conditional(conditional=rule['when']):
            return False
        return not all(scoped.evaluate_conditional(conditional=that) for that in thats)

    @staticmethod
    def _scoped(templar, item):
        if item is _NO_ITEM:
            return templar
        variables = dict(templar.available_variables)
        variables['item'] = item
        return templar.copy_with_new_env(available_variables=variables)


_NO_ITEM = object()


def _evaluates_true(templar, expression):
    """Whether ``expression`` is True; False when it is not or cannot be evaluated (the slow path says why)."""
    try:
        return templar.evaluate_expression(expression, escape_backslashes=False) is True
    except AnsibleError:
        return False


def _passing_expression(thats, when):
    """One trusted expression that is true only when the rule passes, or None when the parts cannot be joined.

    True means: the condition (when) is false, or every condition (that) is true, each a real boolean as assert
    wants it; it is evaluated in that order and stops as soon as the answer is known, as the conditions one by
    one do. Only plain expressions from the task itself are joined: each part must be trusted as a template
    (written in the playbook or role) and be no template indirection (``{{ }}``), which Ansible resolves first.
    """
    parts = list(thats) + ([] if when is None else [when])
    for part in parts:
        if not isinstance(part, string_types) or not is_trusted_as_template(part) or '{{' in part or '{%' in part:
            return None
    holds = ' and '.join('((%s) is sameas true)' % that.strip() for that in thats)
    if when is None:
        return trust_as_template(holds)
    return trust_as_template('((%s) is sameas false) or (%s)' % (when.strip(), holds))
