# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment files OpenClaw reads (<state dir>/.env, a Gateway unit's gateway.env): NAME=value lines.

A line is an assignment when a name (letters, digits, ``_``, ``.``, ``-``) stands before its first ``=``, spaces
around it allowed, as the roles' line matches (``^\\s*NAME\\s*=``) have it. Comments (``#``), ``export NAME=`` and
other lines are no assignments; writers keep them as they are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

NAME = re.compile(r'^[\w.-]+$')


def assignment(line):
    """(name, value) of a NAME=value line, one pair of quotes around the value removed; None for other lines."""
    name, sep, value = line.strip().partition('=')
    name = name.strip()
    if not sep or not NAME.match(name):
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ('"', "'"):
        value = value[1:-1]
    return name, value


def value_of(lines, name):
    """The value of the first assignment of ``name`` in ``lines``, or None."""
    for line in lines:
        found = assignment(line)
        if found and found[0] == name:
            return found[1]
    return None


def names(lines):
    """The names assigned in ``lines``, sorted, each once."""
    return sorted(set(found[0] for found in map(assignment, lines) if found))


def with_value(lines, name, value):
    """``lines`` as text with ``name`` set to ``value`` once, in the place of its first assignment (or at the end);
    every other line kept."""
    out, done = [], False
    for line in lines:
        found = assignment(line)
        if found and found[0] == name:
            if not done:
                out.append('%s=%s' % (name, value))
                done = True
            continue
        out.append(line)
    if not done:
        out.append('%s=%s' % (name, value))
    return '\n'.join(out)
