# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No module returns a key Ansible reads as the task's own outcome with another meaning.

Ansible takes a truthy ``skipped`` in a module's result as "the task was
skipped" (and replaces the value with true), and ``unreachable``,
``failed_when_result`` and ``ansible_facts`` have meanings of their own: a list
of unread files returned as ``skipped`` made a secret scan that ran show as
skipped and lost the list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import pytest
import yaml

MODULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'plugins', 'modules')
RESERVED = {'unreachable', 'failed_when_result', 'changed_when_result', 'ansible_facts', 'results'}


def returns(path):
    with open(path) as handle:
        source = handle.read()
    start = source.index("RETURN = r'''") + len("RETURN = r'''")
    return yaml.safe_load(source[start:source.index("'''", start)]) or {}


@pytest.mark.parametrize('path', sorted(glob.glob(os.path.join(MODULES, '*.py'))), ids=os.path.basename)
def test_return_keys_do_not_shadow_ansibles_own(path):
    documented = returns(path)
    assert not RESERVED & set(documented), path
    if 'skipped' in documented:
        assert documented['skipped']['type'] == 'bool', '%s returns skipped as %s' % (path, documented['skipped'])
