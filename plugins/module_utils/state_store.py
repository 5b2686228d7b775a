# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only queries on OpenClaw's state database, ``<state>/state/openclaw.sqlite``.

Reading it with Python's sqlite3 costs milliseconds where a CLI call starts
Node for seconds, so modules read it to find out whether there is anything to
do, and leave every change to the CLI. The database is opened read-only
(``mode=ro``), never migrated or locked for writing: a Gateway that is running
keeps writing to it undisturbed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

STORE_RELATIVE = os.path.join('state', 'openclaw.sqlite')


class StoreError(Exception):
    pass


def store_path(state_dir):
    return os.path.join(state_dir, STORE_RELATIVE)


def query(state_dir, sql, params=(), sqlite=None):
    """The rows of one read-only query, as dicts.

    Returns None when the database does not exist or lacks the table (a host
    whose Gateway never ran, or a version that keeps the data elsewhere).
    Raises StoreError when Python has no sqlite3 or the database cannot be read.
    """
    path = store_path(state_dir)
    if not os.path.isfile(path):
        return None
    if sqlite is None:
        try:
            import sqlite3 as sqlite  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise StoreError('Python on the host has no sqlite3 module, so %s cannot be read without the CLI' % path)
    try:
        connection = sqlite.connect('file:%s?mode=ro' % path, uri=True, timeout=10)
    except sqlite.Error as exc:
        raise StoreError('Cannot open %s read-only: %s' % (path, exc))
    try:
        cursor = connection.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    except sqlite.Error as exc:
        if 'no such table' in str(exc):
            return None
        raise StoreError('Cannot read %s: %s' % (path, exc))
    finally:
        connection.close()
