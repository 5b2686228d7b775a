# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the module tests; the plain helpers are in ``tests/unit/helpers.py``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.clawfleet.openclaw.tests.unit import helpers


@pytest.fixture
def fresh_warnings(monkeypatch):
    """No module warning left from an earlier case; see ``helpers.fresh_warnings``.

    A test file that needs it for every case says so with
    ``pytestmark = pytest.mark.usefixtures('fresh_warnings')``.
    """
    with helpers.fresh_warnings(monkeypatch):
        yield
