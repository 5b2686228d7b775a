# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep folders and files private to the user a module runs as.

A module that already runs on the host as the OpenClaw user sets the modes of
what it owns in the same call, instead of one ``ansible.builtin.file`` round
trip per path. It never changes an owner: a path that belongs to someone else
is refused with the command that fixes it, and nothing is changed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import stat
import tempfile


class PrivateError(Exception):
    """A path cannot be kept private by this user; ``str()`` says what to do."""


def _owner_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def check_owner(path, info, folder):
    """Refuse ``path`` (its ``lstat`` is ``info``) when another user than the one running owns it."""
    if info.st_uid != os.geteuid():
        me = _owner_name(os.geteuid())
        raise PrivateError('%s belongs to %s, not to %s, who runs OpenClaw and must own it. Fix it with: '
                           'chown %s%s: %s' % (path, _owner_name(info.st_uid), me, '-R ' if folder else '', me, path))


def keep_private(path, mode, folder, check_mode, create=False):
    """Give ``path`` the permission bits ``mode``; create a missing folder when ``create``.

    Returns a change ``{path, old, new}`` (modes as octal strings, ``None`` for
    a path created), or ``None`` when the path already was as asked. In check
    mode the change is reported and not made. Raises :class:`PrivateError` for
    a link, the wrong kind of path, a missing path that may not be created, or
    a path that belongs to another user.
    """
    try:
        info = os.lstat(path)
    except OSError:
        if not (folder and create):
            raise PrivateError('%s does not exist.' % path)
        if not check_mode:
            os.makedirs(path, mode)
            os.chmod(path, mode)
        return dict(path=path, old=None, new='%04o' % mode)
    if stat.S_ISLNK(info.st_mode):
        raise PrivateError('%s is a symbolic link; a private %s must be a real one. Replace the link with the %s '
                           'itself.' % (path, 'folder' if folder else 'file', 'folder' if folder else 'file'))
    if folder != stat.S_ISDIR(info.st_mode) or not (folder or stat.S_ISREG(info.st_mode)):
        raise PrivateError('%s is not a %s.' % (path, 'folder' if folder else 'regular file'))
    check_owner(path, info, folder)
    old = stat.S_IMODE(info.st_mode)
    if old == mode:
        return None
    if not check_mode:
        os.chmod(path, mode)
    return dict(path=path, old='%04o' % old, new='%04o' % mode)


def write_atomically(path, data, mode):
    """Write the bytes ``data`` to ``path`` with the permission bits ``mode``: a temporary file in the same folder,
    written and synced, renamed over ``path``, so a reader sees the old file or the new one, never a part. Raises
    OSError (the temporary file removed)."""
    fd, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path) or '.')
    try:
        with os.fdopen(fd, 'wb') as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, path)
    except (IOError, OSError):
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
