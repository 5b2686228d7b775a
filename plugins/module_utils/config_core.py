# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one merge, diff and redaction core for ``openclaw.json``.

Everything that reads, combines, compares or shows OpenClaw settings goes
through these functions, so the module, the filters and the drift report agree
on what a merge means and on what is a secret.

Merge rules (the ones of ``openclaw config patch``, plus one):

* objects merge recursively; scalars and arrays replace;
* a ``None`` (JSON ``null``) value deletes the key (a missing key is no error);
* lists of objects keyed by ``id`` (``agents.list`` in 2026.6.x, model lists)
  merge item by item: when the fragment list is not empty, every item of it is
  an object with an ``id``, and the base list is empty, missing or also made of
  such objects, items with the same ``id`` merge recursively with these same
  rules, the base order is kept and new ids are appended in fragment order.
  A fragment item ``{"id": x, "$delete": true}`` removes item ``x``. The
  ``$delete`` marker itself is never written. An empty fragment list replaces
  (that is how a list is emptied). When the base holds the same id twice, the
  first one is merged and both go on ``$delete``.
* an object holding ``"$replace": true`` replaces the base object instead of
  merging into it (a keyed map the inventory owns whole, such as a channel's
  group allowlist, loses the entries the inventory no longer lists). The
  marker itself is never written.

Path rule (used by :func:`changes` and :func:`find_includes`): object keys are
joined with ``.``; a key that is empty or holds ``.``, ``[``, ``]``, ``"`` or
white space is written in brackets as a JSON string (``tools.byProvider["a/b.1"]``);
a key such as ``zai:default`` needs no brackets
(``auth.profiles.zai:default.mode``). An item of an ``id``-keyed list is
``[id=coder]`` (the id as a JSON string when it holds other characters than
letters, digits and ``_.:@/+-``); any other list item is ``[3]``. A key that
itself looks like a credential is shown as the mask.

Redaction: an object key shaped like a credential is shown as the mask
(``********#2`` and so on when there are several). A string is masked when it sits under a secret-bearing key (at any
depth below it, lists included) unless it is empty or a SecretRef shorthand
(``${VAR}`` / ``$VAR``), and any string anywhere is masked when it is shaped
like a real credential. SecretRef objects (``{source, provider, id}``) are
references, not secrets, and are shown as they are. Numbers, booleans and
``null`` are never masked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re

from ansible.module_utils.six.moves.collections_abc import Mapping

try:
    string_types = (str, unicode)  # noqa: F821  pylint: disable=undefined-variable
except NameError:
    string_types = (str,)

MASK = '********'

DELETE_MARKER = '$delete'
REPLACE_MARKER = '$replace'
INCLUDE_KEY = '$include'

JSON5_HINT = 'the file may be JSON5 (comments or trailing commas)'

SECRET_REF_SOURCES = ('env', 'file', 'exec', 'store')
_ENV_NAME = r'[A-Z][A-Z0-9_]{0,127}'
_SHORTHAND_RE = re.compile(r'^(?:\$\{' + _ENV_NAME + r'\}|\$' + _ENV_NAME + r')$')

SECRET_KEYS = frozenset(k.lower() for k in (
    'token', 'password', 'apiKey', 'api_key', 'botToken', 'appToken', 'userToken',
    'signingSecret', 'secret', 'clientSecret', 'privateKey', 'private_key',
    'accessToken', 'refreshToken', 'webhookSecret', 'sessionSecret',
))
SECRET_KEY_SUFFIXES = ('token', 'password', 'secret', 'apikey', 'api_key',
                       'privatekey', 'private_key')

# Credentials with a recognisable prefix or layout; searched for anywhere in
# a string (an URL or a header line that embeds one is masked as a whole).
_TOKEN_PATTERNS = tuple(re.compile(p) for p in (
    # OpenAI, Anthropic, OpenRouter, OpenAI project keys
    r'(?<![A-Za-z0-9_-])sk-(?:ant-|or-v1-|proj-)?[A-Za-z0-9_-]{20,}',
    # Telegram bot token
    r'(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]{30,}',
    # Slack bot/user/app tokens
    r'(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}',
    r'(?<![A-Za-z0-9])xapp-[A-Za-z0-9-]{10,}',
    # GitHub tokens
    r'(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{30,}',
    r'(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{22,}',
    # AWS access key ids
    r'(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])',
))
# Discord bot tokens and JWTs: three base64url parts joined by dots.
_DOTTED_TOKEN_RE = re.compile(
    r'(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_.-])')
_HEX_RE = re.compile(r'^(?:0x)?[0-9a-fA-F]{32,}$')
_B64_RE = re.compile(r'^[A-Za-z0-9+/=_-]{40,}$')
# Random base64 of 40+ characters carries about 4.6 bits per character (none
# below 4.3 in thousands of samples); paths and names of that length carry
# less, so they are left readable.
_B64_MIN_ENTROPY = 4.2

_BARE_KEY_RE = re.compile(r'^[^.\[\]"\s]+$')
_BARE_ID_RE = re.compile(r'^[A-Za-z0-9_.:@/+-]+$')


class ConfigParseError(Exception):
    """The text is not a strict JSON object.

    ``str()`` gives the reason with line and column; ``lineno``, ``colno`` and
    ``hint`` are also available (``None`` when they do not apply).
    """

    def __init__(self, msg, lineno=None, colno=None, hint=None):
        text = msg
        if lineno is not None:
            text = '%s at line %d column %d' % (msg, lineno, colno)
        if hint:
            text = '%s; %s' % (text, hint)
        super(ConfigParseError, self).__init__(text)
        self.reason = msg
        self.lineno = lineno
        self.colno = colno
        self.hint = hint


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

def _reject_constant(name):
    raise ValueError('%s is not valid JSON' % name)


def _line_col(text, pos):
    lineno = text.count('\n', 0, pos) + 1
    colno = pos - (text.rfind('\n', 0, pos) + 1) + 1
    return lineno, colno


def load_strict(text):
    """Parse ``text`` as strict JSON and return the top-level object.

    Empty or white-space-only text gives ``{}``. ``NaN`` and ``Infinity`` are
    refused, as JSON has no such values. Raises :class:`ConfigParseError`.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise ConfigParseError('not UTF-8 text (%s)' % exc)
    if not isinstance(text, string_types):
        raise ConfigParseError('expected text, got %s' % type(text).__name__)
    if text.startswith(u'\ufeff'):
        text = text[1:]
    if not text.strip():
        return {}
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        hint = JSON5_HINT if looks_like_json5(text) else None
        pos = getattr(exc, 'pos', None)
        if pos is None:
            # parse_constant raised: find the token for a position.
            match = re.search(r'-?\b(?:NaN|Infinity)\b', text)
            pos = match.start() if match else 0
            reason = str(exc)
        else:
            reason = getattr(exc, 'msg', str(exc))
        lineno, colno = _line_col(text, pos)
        raise ConfigParseError('invalid JSON: %s' % reason, lineno, colno, hint)
    if not isinstance(data, dict):
        start = len(text) - len(text.lstrip())
        lineno, colno = _line_col(text, start)
        raise ConfigParseError('the top level is %s, not an object' % _json_type(data),
                               lineno, colno)
    return data


def _json_type(value):
    if isinstance(value, list):
        return 'an array'
    if isinstance(value, string_types):
        return 'a string'
    if isinstance(value, bool):
        return 'a boolean'
    if value is None:
        return 'null'
    if isinstance(value, (int, float)):
        return 'a number'
    return 'a %s' % type(value).__name__


_UNQUOTED_KEY = re.compile(r'[A-Za-z_$][A-Za-z0-9_$]*\s*:')


def looks_like_json5(text):
    """Whether ``text`` uses JSON5 syntax that strict JSON refuses.

    Looks, outside double-quoted strings, for ``//`` and ``/* */`` comments,
    commas right before ``}`` or ``]``, unquoted object keys and single-quoted
    strings. Strict JSON never has any of them, so valid JSON gives ``False``.
    """
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    if not isinstance(text, string_types):
        return False
    length = len(text)
    i = 0
    in_string = False
    while i < length:
        char = text[i]
        if in_string:
            if char == '\\':
                i += 2
                continue
            if char == '"':
                in_string = False
            i += 1
            continue
        if char == '"':
            in_string = True
        elif char == "'":
            return True
        elif char == '/' and i + 1 < length and text[i + 1] in '/*':
            return True
        elif char == ',':
            nxt = _skip_space(text, i + 1)
            if nxt < length and text[nxt] in '}]':
                return True
            if nxt < length and _UNQUOTED_KEY.match(text, nxt):
                return True
        elif char == '{':
            nxt = _skip_space(text, i + 1)
            if nxt < length and _UNQUOTED_KEY.match(text, nxt):
                return True
        i += 1
    return False


def _skip_space(text, i):
    while i < len(text) and text[i] in ' \t\r\n':
        i += 1
    return i


# --------------------------------------------------------------------------
# Copies and paths
# --------------------------------------------------------------------------

def plain_copy(value):
    """Deep copy of JSON-like data as plain dicts and lists (tuples become lists)."""
    if isinstance(value, Mapping):
        return dict((k, plain_copy(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    return value


def format_key(key):
    """One object key as a path segment (see the path rule above)."""
    if not isinstance(key, string_types):
        key = str(key)
    if looks_like_secret_value(key):
        return '.' + MASK
    if _BARE_KEY_RE.match(key):
        return '.' + key
    return '[%s]' % json.dumps(key, ensure_ascii=False)


def format_id(item_id):
    """The path segment of an item of an ``id``-keyed list."""
    if isinstance(item_id, string_types) and looks_like_secret_value(item_id):
        return '[id=%s]' % MASK
    if isinstance(item_id, string_types) and _BARE_ID_RE.match(item_id):
        return '[id=%s]' % item_id
    return '[id=%s]' % json.dumps(item_id, ensure_ascii=False)


def _join(prefix, segment):
    path = prefix + segment
    return path[1:] if path.startswith('.') else path


def _split(dotted):
    if isinstance(dotted, (list, tuple)):
        return list(dotted)
    if not isinstance(dotted, string_types) or not dotted:
        raise ValueError('a path must be a non-empty dotted string, got %r' % (dotted,))
    return dotted.split('.')


def get_path(obj, dotted, default=None):
    """Value at a dotted path of object keys, or ``default``.

    ``dotted`` may also be a list of keys (for keys that hold a dot).
    """
    current = obj
    for key in _split(dotted):
        if not isinstance(current, Mapping) or key not in current:
            return default
        current = current[key]
    return current


def set_path(obj, dotted, value):
    """Set a value at a dotted path in place, creating objects on the way.

    Raises ``ValueError`` when a step of the path holds something that is not
    an object (it is never overwritten silently).
    """
    keys = _split(dotted)
    current = obj
    for depth, key in enumerate(keys[:-1]):
        nxt = current.get(key)
        if nxt is None:
            nxt = {}
            current[key] = nxt
        elif not isinstance(nxt, dict):
            raise ValueError('cannot set %s: %s is %s, not an object'
                             % ('.'.join(keys), '.'.join(keys[:depth + 1]), _json_type(nxt)))
        current = nxt
    current[keys[-1]] = value
    return obj


def delete_path(obj, dotted):
    """Delete the key at a dotted path in place; ``True`` when it existed."""
    keys = _split(dotted)
    parent = get_path(obj, keys[:-1]) if len(keys) > 1 else obj
    if isinstance(parent, dict) and keys[-1] in parent:
        del parent[keys[-1]]
        return True
    return False


def find_includes(obj):
    """Paths of every ``$include`` key (the key itself, e.g. ``agents.$include``).

    OpenClaw reads ``"$include": "file.json5"`` (or a list of files) and
    merges those files in; they are reported, never rewritten.
    """
    found = []
    _find_includes(obj, '', found)
    return sorted(found)


def _find_includes(value, prefix, found):
    if isinstance(value, Mapping):
        for key, child in value.items():
            path = _join(prefix, format_key(key))
            if key == INCLUDE_KEY:
                found.append(path)
            _find_includes(child, path, found)
    elif isinstance(value, (list, tuple)):
        keyed = _is_id_list(value)
        for index, child in enumerate(value):
            segment = format_id(child['id']) if keyed else '[%d]' % index
            _find_includes(child, prefix + segment, found)


# --------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------

def _is_id_item(item):
    if not isinstance(item, Mapping) or 'id' not in item:
        return False
    item_id = item['id']
    return isinstance(item_id, string_types + (int,)) and not isinstance(item_id, bool)


def _is_id_list(value):
    """A non-empty list whose every item is an object with a usable ``id``."""
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(_is_id_item(item) for item in value))


def _merge_value(base, fragment):
    if isinstance(fragment, Mapping):
        replace = fragment.get(REPLACE_MARKER) is True
        result = plain_copy(base) if isinstance(base, Mapping) and not replace else {}
        for key, value in fragment.items():
            if key == REPLACE_MARKER:
                continue
            if value is None:
                result.pop(key, None)
                continue
            merged = _merge_value(result.get(key), value)
            # Deleting keys under a parent that does not exist must not create
            # that parent as an empty object.
            if key not in result and merged == {} and _only_deletions(value):
                continue
            result[key] = merged
        return result
    if _is_id_list(fragment):
        if base is None or (isinstance(base, (list, tuple))
                            and (len(base) == 0 or _is_id_list(base))):
            return _merge_id_list(base or [], fragment)
        # The base is something else: the fragment replaces it, but its
        # $delete markers are still honoured, never written.
        return _merge_id_list([], fragment)
    return plain_copy(fragment)


def _only_deletions(fragment):
    """True for a non-empty object whose leaves are all ``None`` (deletions)."""
    if not isinstance(fragment, Mapping) or not fragment:
        return False
    return all(value is None or _only_deletions(value) for value in fragment.values())


def _merge_id_list(base, fragment):
    result = [plain_copy(item) for item in base]
    for item in fragment:
        item_id = item['id']
        if item.get(DELETE_MARKER) is True:
            result = [old for old in result if old.get('id') != item_id]
            continue
        patch = dict((k, v) for k, v in item.items() if k != DELETE_MARKER)
        for index, old in enumerate(result):
            if old.get('id') == item_id:
                result[index] = _merge_value(old, patch)
                break
        else:
            body = dict((k, v) for k, v in patch.items() if k != 'id')
            if body and _only_deletions(body):
                # Deleting keys of an item that does not exist must not create it.
                continue
            result.append(_merge_value({}, patch))
    return result


def merge(base, fragment):
    """Merge ``fragment`` into ``base`` and return a new object.

    Neither input is changed. ``None`` for either side counts as ``{}``.
    Raises ``TypeError`` when either is not an object.
    """
    if base is None:
        base = {}
    if fragment is None:
        fragment = {}
    if not isinstance(base, Mapping):
        raise TypeError('the base config must be an object, got %s' % _json_type(base))
    if not isinstance(fragment, Mapping):
        raise TypeError('a config fragment must be an object, got %s' % _json_type(fragment))
    return _merge_value(base, fragment)


def merge_all(base, fragments):
    """Merge each fragment of the list ``fragments`` in order (``None`` skipped)."""
    if fragments is None:
        fragments = []
    if not isinstance(fragments, (list, tuple)):
        raise TypeError('fragments must be a list of objects, got %s' % _json_type(fragments))
    result = merge(base, None)
    for index, fragment in enumerate(fragments):
        if fragment is None:
            continue
        if not isinstance(fragment, Mapping):
            raise TypeError('fragment %d must be an object, got %s' % (index, _json_type(fragment)))
        result = _merge_value(result, fragment)
    return result


# --------------------------------------------------------------------------
# Secrets
# --------------------------------------------------------------------------

def is_secret_ref(value):
    """Whether ``value`` is a SecretRef: an object or a ``${VAR}``/``$VAR`` string."""
    if isinstance(value, string_types):
        return bool(_SHORTHAND_RE.match(value))
    if not isinstance(value, Mapping):
        return False
    if set(value.keys()) != set(('source', 'provider', 'id')):
        return False
    if not all(isinstance(value[k], string_types) for k in ('source', 'provider', 'id')):
        return False
    return value['source'] in SECRET_REF_SOURCES


def is_secret_key(name):
    """Whether an object key carries a credential (``token``, ``apiKey``, ...)."""
    if not isinstance(name, string_types):
        return False
    lowered = name.lower()
    return lowered in SECRET_KEYS or lowered.endswith(SECRET_KEY_SUFFIXES)


def _entropy(text):
    counts = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    total = float(len(text))
    return -sum((n / total) * math.log(n / total, 2) for n in counts.values())


def looks_like_secret_value(text):
    """Whether a string is shaped like a real credential.

    Prefixed tokens (``sk-``, Slack ``xox?-``, GitHub ``ghp_``, AWS ``AKIA``),
    Telegram and Discord bot tokens are found anywhere in the string; long
    hex (32+) and base64 (40+, mixed case and digits, random-looking) only as
    the whole string.
    """
    if not isinstance(text, string_types) or len(text) < 16:
        return False
    for pattern in _TOKEN_PATTERNS:
        if pattern.search(text):
            return True
    match = _DOTTED_TOKEN_RE.search(text)
    if match and _mixed(match.group(0)):
        return True
    stripped = text.strip()
    if _HEX_RE.match(stripped):
        return True
    if (_B64_RE.match(stripped) and _mixed(stripped)
            and _entropy(stripped) >= _B64_MIN_ENTROPY):
        return True
    return False


def _mixed(text):
    return (any(c.isupper() for c in text) and any(c.islower() for c in text)
            and any(c.isdigit() for c in text))


def _redact(value, secret):
    if isinstance(value, Mapping):
        if is_secret_ref(value):
            return plain_copy(value)
        result = {}
        for key, child in value.items():
            shown = key
            if looks_like_secret_value(key):
                shown = MASK
                count = 1
                while shown in result or shown in value:
                    count += 1
                    shown = '%s#%d' % (MASK, count)
            result[shown] = _redact(child, secret or is_secret_key(key))
        return result
    if isinstance(value, (list, tuple)):
        return [_redact(v, secret) for v in value]
    if isinstance(value, string_types):
        if secret and value and not is_secret_ref(value):
            return MASK
        if looks_like_secret_value(value):
            return MASK
        return value
    return value


def redact(obj):
    """Deep copy of ``obj`` with every secret string replaced by :data:`MASK`."""
    return _redact(obj, False)


# --------------------------------------------------------------------------
# Differences
# --------------------------------------------------------------------------

def _id_lists(before, after):
    """Both lists, the id-keyed comparison applies (an empty side counts)."""
    if not isinstance(before, (list, tuple)) or not isinstance(after, (list, tuple)):
        return False
    if not before and not after:
        return False
    return ((not before or _is_id_list(before)) and (not after or _is_id_list(after))
            and _unique_ids(before) and _unique_ids(after))


def _unique_ids(items):
    ids = [item['id'] for item in items]
    return len(ids) == len(set(ids))


def _entry(path, action, before, after, secret):
    return {
        'path': path,
        'action': action,
        'before': None if action == 'add' else _redact(before, secret),
        'after': None if action == 'remove' else _redact(after, secret),
    }


def _changes(before, after, prefix, secret, out):
    if (isinstance(before, Mapping) and isinstance(after, Mapping)
            and not is_secret_ref(before) and not is_secret_ref(after)):
        for key in before:
            if key not in after:
                out.append(_entry(_join(prefix, format_key(key)), 'remove', before[key], None,
                                  secret or is_secret_key(key)))
        for key in after:
            path = _join(prefix, format_key(key))
            key_secret = secret or is_secret_key(key)
            if key not in before:
                out.append(_entry(path, 'add', None, after[key], key_secret))
            else:
                _changes(before[key], after[key], path, key_secret, out)
        return
    if _id_lists(before, after):
        old = dict((item['id'], item) for item in before)
        new = dict((item['id'], item) for item in after)
        for item in before:
            if item['id'] not in new:
                out.append(_entry(prefix + format_id(item['id']), 'remove', item, None, secret))
        for item in after:
            path = prefix + format_id(item['id'])
            if item['id'] not in old:
                out.append(_entry(path, 'add', None, item, secret))
            else:
                _changes(old[item['id']], item, path, secret, out)
        return
    if _plain(before) != _plain(after):
        out.append(_entry(prefix or '<root>', 'change', before, after, secret))


def _plain(value):
    """Comparable form: tuples as lists, bool kept apart from 0 and 1."""
    if isinstance(value, Mapping):
        return dict((k, _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return ('bool', value)
    return value


def changes(before, after):
    """Per-path differences between two configs, secrets masked, sorted by path.

    Each entry is ``{'path', 'action', 'before', 'after'}`` with ``action`` one
    of ``add``, ``change`` and ``remove``. An added or removed object is one
    entry holding the whole (redacted) object. Values are redacted with the
    context of their path, so a changed token shows the mask on both sides.
    ``None`` for either config counts as ``{}``.
    """
    out = []
    _changes({} if before is None else before, {} if after is None else after, '', False, out)
    return sorted(out, key=lambda entry: entry['path'])


def dumps(obj):
    """The config as OpenClaw-friendly JSON text (2-space indent, final newline)."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + '\n'
