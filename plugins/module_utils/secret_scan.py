# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find credentials left in files and in git history, and report them masked.

This is the hardening guide's "Check For Exposed Secrets" step
(``rg -n "sk-|api_key|token|password|secret" ~/.openclaw`` and the same over
``git log --all -p``) made precise enough to run on every host without a
flood of false alarms.

What counts as a finding (each has a ``kind``):

* a credential with a recognisable shape, anywhere in a line
  (:data:`SHAPES`: ``sk-`` provider keys, Telegram, Discord, GitHub and Slack
  tokens, AWS access key ids, JSON Web Tokens, private key blocks; a match
  with ``example`` in it is documentation and is left out);
* a keyword of the guide (``api_key``/``apiKey``/``api-key``, ``token``,
  ``password``/``passwd``, ``secret``) ending a key that is assigned a literal
  value (``key: value``, ``key = value``, ``"key": "value"``, ``KEY=value``),
  kind ``keyword-assignment``. The value must be at least
  :data:`MIN_VALUE_LENGTH` characters and not a reference or a placeholder
  (see :func:`literal_value`);
* a long hex (32+) or base64 (40+, letters and digits, random-looking) run,
  but only when one of those keywords ends a word at most
  :data:`KEYWORD_WINDOW` characters before it on the same line (``token``,
  ``--token``, ``GATEWAY_TOKEN``, not ``totalTokens``). Without that rule
  commit hashes, package integrity hashes, signatures and ids in logs and
  session files would bury the real findings;
* a match of a regular expression the caller gives (kind ``custom``).

A span that several rules match is reported once, under the most specific
kind (the order of :data:`PRIORITY`).

Masking: a finding never holds the secret or its line, only the kind's public
prefix (``sk-ant-``, ``xoxb-``, ``ghp_``, ``AKIA``; the key name for a keyword
assignment) and the length, for example ``sk-ant-…(108 chars)`` or
``apiKey=…(40 chars)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import os
import re
import stat
import string

from ansible_collections.clawfleet.openclaw.plugins.module_utils import config_core

ELLIPSIS = u'\u2026'

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FINDINGS = 200
# Text files hold no NUL byte; looking at the start is what grep and rg do.
BINARY_SNIFF_BYTES = 8192
# A result listing every image of a media folder helps nobody; the count stays exact.
MAX_UNREAD = 500

MIN_VALUE_LENGTH = 8
KEYWORD_WINDOW = 64

# Matched against the path relative to the scanned folder and against the
# base name; a matching folder is not entered. Everything here either is a
# store whose job is to hold secrets (finding them there is no exposure), or
# is large third-party content that is not the host's own.
DEFAULT_EXCLUDE = (
    # OpenClaw's databases (sessions, memory index, cron): large, mostly binary.
    '*.sqlite',
    '*.sqlite-*',
    '*.db',
    # Channel credentials (WhatsApp keys, OAuth tokens) OpenClaw keeps for itself.
    'credentials',
    # Per-agent model credentials (agents/<id>/agent/auth-profiles.json).
    'auth-profiles.json',
    # The Gateway's device key pair, and the tokens of paired devices.
    'identity',
    'devices',
    # The 0600 single-value files that SecretRefs point at (openclaw_secret).
    'secrets',
    # The Gateway service's environment file and token file.
    'gateway.env',
    'gateway.token',
    # OpenClaw's own environment file, where provider keys are meant to live.
    '.env',
    # Installed packages and plugins: third-party code full of test keys.
    'npm',
    'node_modules',
    'extensions',
    # The Control UI's bundled web assets, unpacked by 2026.9 Gateways: minified code whose
    # `secret=` and `apiKey=` strings are form fields, not values.
    'control-ui-assets',
    # Git's object store is compressed; history is read through the repos option.
    '.git',
)

KIND_KEYWORD = 'keyword-assignment'
KIND_HEX = 'hex-token'
KIND_BASE64 = 'base64-token'
KIND_CUSTOM = 'custom'


class Shape(object):
    """A credential recognisable by its layout.

    ``not_after`` holds the characters that may not come right before a
    match (checked in code: a leading look-behind makes the expression several
    times slower); ``hints`` are substrings a line must hold for the
    expression to be worth running.
    """

    def __init__(self, kind, pattern, prefix, hints, not_after='', check=None, counted=True):
        self.kind = kind
        self.regex = re.compile(pattern)
        # fixed string, or a function of the matched text
        self.prefix = prefix
        self.hints = hints
        self.not_after = not_after
        self.check = check
        self.counted = counted

    def public_prefix(self, text):
        return self.prefix(text) if callable(self.prefix) else self.prefix

    def hits(self, line):
        for match in self.regex.finditer(line):
            start = match.start()
            if start and line[start - 1] in self.not_after:
                continue
            text = match.group(0)
            if self.check is not None and not self.check(text):
                continue
            if 'example' in text.lower():
                # documentation: AWS's sample key ends in EXAMPLE, others write sk-example-...
                continue
            prefix = self.public_prefix(text)
            yield Hit(self.kind, start, match.end(), mask(prefix, len(text)) if self.counted else prefix + ELLIPSIS)


_WORD = string.ascii_letters + string.digits
_B64URL = _WORD + '_-'


def _letters_and_digits(text):
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _upper_and_lower(text):
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def _after(prefix):
    # real keys are random; a long hyphenated name after "sk-" is not one
    return lambda text: _letters_and_digits(text[len(prefix):])


def _up_to_dash(text):
    return text[:text.index('-') + 1]


def _github_prefix(text):
    return 'github_pat_' if text.startswith('github_pat_') else text[:4]


SHAPES = (
    Shape('private-key', r'-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----', lambda text: text,
          ('PRIVATE KEY',), counted=False),
    Shape('anthropic-api-key', r'sk-ant-[A-Za-z0-9_-]{20,}', 'sk-ant-', ('sk-ant-',), _B64URL, _after('sk-ant-')),
    Shape('openrouter-api-key', r'sk-or-v1-[A-Za-z0-9_-]{20,}', 'sk-or-v1-', ('sk-or-v1-',), _B64URL, _after('sk-or-v1-')),
    Shape('openai-project-key', r'sk-proj-[A-Za-z0-9_-]{20,}', 'sk-proj-', ('sk-proj-',), _B64URL, _after('sk-proj-')),
    # OpenAI's older keys and the many providers that copied the layout.
    Shape('sk-api-key', r'sk-[A-Za-z0-9_-]{20,}', 'sk-', ('sk-',), _B64URL, _after('sk-')),
    Shape('github-token', r'(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})(?![A-Za-z0-9_])', _github_prefix,
          ('gh', 'github_pat_'), _WORD + '_'),
    # Bot, user and app-level tokens (OpenClaw's Slack channel takes xoxb- and xapp-).
    Shape('slack-token', r'(?:xox[abpr]|xapp)-[A-Za-z0-9-]{10,}', _up_to_dash, ('xox', 'xapp-'), _WORD,
          lambda text: any(c.isdigit() for c in text)),
    Shape('aws-access-key-id', r'(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])', lambda text: text[:4], ('AKIA', 'ASIA'),
          string.ascii_uppercase + string.digits),
    # Letters may come before: the Bot API puts the token right after "bot" in its URLs.
    Shape('telegram-bot-token', r'[0-9]{6,12}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])', '', (':',), string.digits,
          lambda text: _upper_and_lower(text.split(':', 1)[1])),
    # JSON Web Tokens: bearer credentials of many services (header and payload start with '{"').
    Shape('jwt', r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}(?![A-Za-z0-9_.-])', 'eyJ', ('eyJ',),
          _B64URL + '.'),
    Shape('discord-bot-token', r'[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_.-])', '',
          ('.',), _B64URL + '.', lambda text: _letters_and_digits(text) and _upper_and_lower(text)),
)

# Most specific first: when rules match overlapping spans, the first one wins.
PRIORITY = tuple(shape.kind for shape in SHAPES) + (KIND_CUSTOM, KIND_KEYWORD, KIND_HEX, KIND_BASE64)
_RANK = dict((kind, rank) for rank, kind in enumerate(PRIORITY))

KINDS = PRIORITY

# Matched on the lowercased line, which is faster than a case-insensitive expression.
_KEYWORD_RE = re.compile(r'api[_.-]?key|token|passw(?:or)?d|secret|private[_.-]?key')
_KEYWORD_HINTS = ('token', 'secret', 'passw', 'key')
_KEY_CHARS = frozenset(_WORD + '_.-')
_WORD_TAIL = frozenset(_WORD + '_')
# What follows a keyword that ends a key: the separator and the value.
_ASSIGNED_RE = re.compile(
    r'''(?P<kq>["']?)\s*(?P<sep>=>|:=|:(?!:)|=(?!=))[ \t]*'''
    r'''(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|`(?P<bq>[^`]*)`'''
    r'''|(?P<bare>[^\s'"`,;:?&()\[\]{}<>]+))''')
# (group, whether the value may be code): unquoted text, and text in
# backticks (Markdown code, JavaScript templates), can name a variable.
_VALUE_GROUPS = (('dq', False), ('sq', False), ('bq', True), ('bare', True))
# A run labelled as a device, request or trace id names something, it is not a
# secret: OpenClaw logs "device token rotated device=<64 hex>" and puts a
# "traceId" on its "gateway token mismatch" warnings (measured, 2026.9.6).
_IDENTIFIER_LABEL = re.compile(r'\b(?:device|device_?id|request_?id|trace_?id|span_?id)["\']?\s*[=:]\s*["\']?$', re.I)
_HEX_RE = re.compile(r'(?<![0-9A-Za-z_])[0-9a-fA-F]{32,}(?![0-9A-Za-z_])')
_BASE64_RE = re.compile(r'(?<![A-Za-z0-9+/=_.-])[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/=_-])')
_ASCII_LOWER = dict((ord(c), ord(c.lower())) for c in string.ascii_uppercase)

_NUMBER_RE = re.compile(r'^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$')
# How code names a value: an identifier without digits (one with digits could
# be a password), or a chain of attributes (optional chaining and private
# fields included).
_IDENTIFIER_RE = re.compile(r'^[A-Za-z_$#][A-Za-z_$]*$')
_ATTRIBUTE_CHAIN_RE = re.compile(r'^[A-Za-z_$#][\w$]*(?:\??\.#?[A-Za-z_$][\w$]*)+$')
# An environment variable's name, or a constant's (NO_REPLY, OPENAI_API_KEY).
_CONSTANT_NAME_RE = re.compile(r'^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$')
_NOT_LITERALS = frozenset(('null', 'none', 'nil', 'true', 'false', 'undefined'))
# A value that names itself a token or a password is a placeholder
# ("gateway-token", "shared-secret"); so are the words documentation uses.
_PLACEHOLDER_PARTS = ('changeme', 'change-me', 'change_me', 'change me', 'redacted', 'example', 'placeholder',
                      'dummy', 'replace-me', 'replace-with', 'replaceme', 'replace_me', 'not-needed', 'notneeded',
                      'token', 'secret', 'passw', 'apikey', 'api-key', 'api_key',
                      '***', '...', ELLIPSIS)
_PLACEHOLDER_CASED_PARTS = ('xxx', 'XXX')
# <paste-here>, your-key, (hidden)
_PLACEHOLDER_STARTS = ('<', 'your', '(')
# OpenClaw's marker for providers that need no key ("ollama-local").
_PLACEHOLDER_ENDS = ('-local',)
# '!' starts a YAML tag (!vault) or a negation in code
_REFERENCE_STARTS = ('$', '{', '[', '%(', 'env:', '!')
# interpolation inside a value: a shell or JavaScript ${...}, a Jinja {{ ... }}
_REFERENCE_PARTS = ('${', '{{')
_PATH_STARTS = ('/', '~/', './', '../')


class PatternError(ValueError):
    """A ``patterns`` entry is no valid regular expression."""

    def __init__(self, index, reason):
        super(PatternError, self).__init__('patterns[%d] is not a valid regular expression: %s' % (index, reason))
        self.index = index
        self.reason = reason


class Hit(object):
    """One match on one line: where it is, its kind, and its masked form."""

    __slots__ = ('kind', 'start', 'end', 'masked', 'pattern')

    def __init__(self, kind, start, end, masked, pattern=None):
        self.kind = kind
        self.start = start
        self.end = end
        self.masked = masked
        self.pattern = pattern

    def __repr__(self):
        return 'Hit(%r, %d, %d, %r)' % (self.kind, self.start, self.end, self.masked)


def mask(prefix, length):
    """``prefix…(n chars)``: what may be shown of a secret of ``length`` characters."""
    return u'%s%s(%d chars)' % (prefix, ELLIPSIS, length)


def compile_patterns(patterns):
    """Compile the caller's expressions; :class:`PatternError` names the bad one by index."""
    compiled = []
    for index, pattern in enumerate(patterns or []):
        try:
            compiled.append(re.compile(pattern))
        except (re.error, TypeError) as exc:
            raise PatternError(index, exc)
    return compiled


def literal_value(value, code=False, following=''):
    """Whether an assigned value is a literal that may be a secret.

    Not literal:

    * shorter than :data:`MIN_VALUE_LENGTH`, or holding white space (a label
      or a sentence: keys and tokens have none) or characters outside
      printable ASCII (a translated label);
    * a reference: ``${VAR}``, ``$VAR``, ``env:VAR``, an interpolation
      (``${...}`` or ``{{ ... }}`` inside), a SecretRef object or a template
      (starts with ``{``), a variable's name in capitals (``OPENAI_API_KEY``);
    * a placeholder: ``<...>``, ``changeme``, ``xxx``, ``***``, ``REDACTED``,
      ``example``, ``your-...``, ``(hidden)``, ``dummy``, ``replace-me``, a value that
      itself says ``token``, ``secret``, ``password`` or ``api-key``, and
      OpenClaw's ``<provider>-local`` marker; a YAML tag (``!vault``);
    * ``null``, a boolean, a number, a file path;
    * when it may be code (``code``: unquoted, or in backticks), a call or an
      index (``following`` is ``(`` or ``[``), an identifier without digits, or
      an attribute chain (``self.token``, ``params.auth?.token``).
    """
    value = value.strip()
    if len(value) < MIN_VALUE_LENGTH:
        return False
    if any(c.isspace() or not (' ' <= c <= '~') for c in value):
        return False
    lowered = value.lower()
    if value.startswith(_REFERENCE_STARTS) or value.startswith(_PATH_STARTS):
        return False
    if any(part in value for part in _REFERENCE_PARTS) or _CONSTANT_NAME_RE.match(value):
        return False
    if (lowered.startswith(_PLACEHOLDER_STARTS) or lowered.endswith(_PLACEHOLDER_ENDS)
            or any(part in lowered for part in _PLACEHOLDER_PARTS)
            or any(part in value for part in _PLACEHOLDER_CASED_PARTS)):
        return False
    if lowered in _NOT_LITERALS or _NUMBER_RE.match(value):
        return False
    if code:
        if following[:1] in ('(', '['):
            return False
        if _IDENTIFIER_RE.match(value) or _ATTRIBUTE_CHAIN_RE.match(value):
            return False
    return True


def _base64_like(text):
    return _letters_and_digits(text) and config_core._entropy(text) >= config_core._B64_MIN_ENTROPY


class Scanner(object):
    """Finds credentials in lines of text; build one and reuse it for every line."""

    def __init__(self, patterns=None):
        self.custom = compile_patterns(patterns)

    def scan_line(self, line):
        """The :class:`Hit` list of one line, overlaps resolved, in line order."""
        if '\\"' in line:
            # JSON inside JSON (log records, session files): read the inner quotes as quotes.
            line = line.replace('\\"', '"')
        hits = []
        for shape in SHAPES:
            for hint in shape.hints:
                if hint in line:
                    hits.extend(shape.hits(line))
                    break
        lowered = line.lower()
        if any(hint in lowered for hint in _KEYWORD_HINTS):
            if len(lowered) != len(line):
                # a few non-ASCII letters lowercase to two characters; keep positions aligned
                lowered = line.translate(_ASCII_LOWER)
            keywords = list(_KEYWORD_RE.finditer(lowered))
            if keywords:
                hits.extend(self._assignments(line, keywords))
                hits.extend(self._near_keywords(line, keywords))
        for index, regex in enumerate(self.custom):
            for match in regex.finditer(line):
                group = 'secret' if 'secret' in regex.groupindex else 0
                start, end = match.span(group)
                if end <= start:
                    continue
                hits.append(Hit(KIND_CUSTOM, start, end, mask('', end - start), index))
        return resolve(hits)

    @staticmethod
    def _assignments(line, keywords):
        for keyword in keywords:
            match = _ASSIGNED_RE.match(line, keyword.end())
            if match is None:
                continue
            start = keyword.start()
            while start and line[start - 1] in _KEY_CHARS:
                start -= 1
            quote = match.group('kq')
            opening = line[start - 1:start]
            if quote and opening != quote:
                # the end of a quoted phrase ("a metered api-key": ...), not a quoted key
                continue
            if not quote and opening in ('"', "'") and match.group('sep') != '=':
                # the start of a quoted id ("secret:github:..."); "KEY=value" in quotes still counts
                continue
            for group, code in _VALUE_GROUPS:
                if match.group(group) is not None:
                    break
            value = match.group(group)
            if not literal_value(value, code=code, following=line[match.end():match.end() + 1]):
                continue
            key = line[start:keyword.end()]
            yield Hit(KIND_KEYWORD, match.start(group), match.end(group), u'%s=%s' % (key, mask('', len(value))))

    @staticmethod
    def _near_keywords(line, keywords):
        # only a keyword that ends a word: "totalTokens" or "secretsHelpSignature" name no secret
        ends = [keyword.end() for keyword in keywords if line[keyword.end():keyword.end() + 1] not in _WORD_TAIL]
        for kind, regex, accept in ((KIND_HEX, _HEX_RE, None), (KIND_BASE64, _BASE64_RE, _base64_like)):
            for match in regex.finditer(line):
                start = match.start()
                if not any(0 <= start - end <= KEYWORD_WINDOW for end in ends):
                    continue
                if accept is not None and not accept(match.group(0)):
                    continue
                if _IDENTIFIER_LABEL.search(line[max(0, start - 16):start]):
                    continue
                yield Hit(kind, start, match.end(), mask('', match.end() - start))

    def scan_text(self, text):
        """``(line_number, Hit)`` for every hit in a text, lines counted from 1."""
        for number, line in enumerate(text.splitlines(), 1):
            for hit in self.scan_line(line):
                yield number, hit


def resolve(hits):
    """Keep, of overlapping hits, the one of the most specific kind."""
    kept = []
    for hit in sorted(hits, key=lambda h: (_RANK[h.kind], h.start, -h.end)):
        if any(hit.start < other.end and other.start < hit.end for other in kept):
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h.start, _RANK[h.kind]))
    return kept


# --------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------

class Findings(object):
    """Collects hits into findings: one per location and kind, accepted ones apart.

    :meth:`add` returns ``False`` once ``limit`` unaccepted findings are held
    and another one comes, after setting :attr:`truncated`; the caller stops.
    """

    def __init__(self, accepted=None, limit=DEFAULT_MAX_FINDINGS):
        self.accepted = []
        for location in accepted or []:
            if location not in self.accepted:
                self.accepted.append(location)
        self._accepted = frozenset(self.accepted)
        self._used = set()
        self.limit = limit
        self.findings = []
        self.accepted_findings = []
        self.truncated = False
        self._index = {}

    def add(self, hit, location, **fields):
        key = (location, hit.kind)
        existing = self._index.get(key)
        if existing is not None:
            existing['count'] += 1
            return True
        finding = dict(location=location, kind=hit.kind, masked=hit.masked, count=1)
        finding.update(fields)
        if hit.pattern is not None:
            finding['pattern'] = hit.pattern
        if location in self._accepted:
            self._used.add(location)
            self.accepted_findings.append(finding)
        elif len(self.findings) >= self.limit:
            self.truncated = True
            return False
        else:
            self.findings.append(finding)
        self._index[key] = finding
        return True

    @property
    def unused_accepted(self):
        return [location for location in self.accepted if location not in self._used]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

def excluded(relative, exclude):
    """Whether a path (relative to the scanned folder, ``/``-separated) matches an exclude glob."""
    name = relative.rsplit('/', 1)[-1]
    return any(fnmatch.fnmatchcase(relative, glob) or fnmatch.fnmatchcase(name, glob) for glob in exclude)


def is_binary(handle):
    head = handle.read(BINARY_SNIFF_BYTES)
    handle.seek(0)
    return b'\0' in head


def decode(raw):
    return raw.decode('utf-8', 'replace')


class Scan(object):
    """One scan over files, folders and git history; :meth:`result` gives the module's return values."""

    def __init__(self, scanner, exclude=DEFAULT_EXCLUDE, max_file_bytes=DEFAULT_MAX_FILE_BYTES,
                 max_findings=DEFAULT_MAX_FINDINGS, accepted=None):
        self.scanner = scanner
        self.exclude = tuple(exclude)
        self.max_file_bytes = max_file_bytes
        self.findings = Findings(accepted, max_findings)
        self.scanned_files = 0
        self.scanned_commits = 0
        self.unread = []
        self.unread_count = 0
        self.missing = []
        # (device, inode) of scanned files: overlapping paths and hard links are read once.
        self._seen = set()

    @property
    def stopped(self):
        return self.findings.truncated

    def skip(self, path, reason, **details):
        self.unread_count += 1
        if len(self.unread) < MAX_UNREAD:
            entry = dict(path=path, reason=reason)
            entry.update(details)
            self.unread.append(entry)

    # ---- files and folders

    def scan_path(self, path):
        """Scan a file, or a folder recursively. A path given here is followed if it is a link
        and scanned even if an exclude glob matches it; links found inside folders are not."""
        path = os.path.abspath(path)
        try:
            info = os.stat(path)
        except OSError as exc:
            if not os.path.lexists(path):
                self.missing.append(path)
            else:
                self.skip(path, 'unreadable', error=exc.strerror or str(exc))
            return
        if stat.S_ISDIR(info.st_mode):
            self._scan_folder(path)
        elif stat.S_ISREG(info.st_mode):
            self._scan_file(path, info)
        else:
            self.skip(path, 'special')

    def _scan_folder(self, root):
        stack = [(root, '')]
        while stack and not self.stopped:
            folder, relative = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError as exc:
                self.skip(folder, 'unreadable', error=exc.strerror or str(exc))
                continue
            subfolders = []
            for entry in entries:
                if self.stopped:
                    return
                rel = relative + entry.name
                if excluded(rel, self.exclude):
                    continue
                try:
                    if entry.is_symlink():
                        self.skip(entry.path, 'symlink')
                    elif entry.is_dir(follow_symlinks=False):
                        subfolders.append((entry.path, rel + '/'))
                    elif entry.is_file(follow_symlinks=False):
                        self._scan_file(entry.path, entry.stat(follow_symlinks=False))
                    else:
                        self.skip(entry.path, 'special')
                except OSError as exc:
                    self.skip(entry.path, 'unreadable', error=exc.strerror or str(exc))
            # reversed so that the stack visits subfolders in name order
            stack.extend(reversed(subfolders))

    def _scan_file(self, path, info):
        identity = (info.st_dev, info.st_ino)
        if identity in self._seen:
            return
        self._seen.add(identity)
        if info.st_size > self.max_file_bytes:
            self.skip(path, 'too_large', size=info.st_size)
            return
        try:
            with open(path, 'rb') as handle:
                if is_binary(handle):
                    self.skip(path, 'binary')
                    return
                self.scanned_files += 1
                for number, raw in enumerate(handle, 1):
                    for hit in self.scanner.scan_line(decode(raw).rstrip('\r\n')):
                        if not self.findings.add(hit, '%s:%d' % (path, number), file=path, line=number):
                            return
        except (IOError, OSError) as exc:
            self.skip(path, 'unreadable', error=exc.strerror or str(exc))

    # ---- git history

    def scan_git_log(self, repo, output):
        """Scan the added lines of ``git log -p`` output (see :func:`git_log_command`)."""
        for event in parse_git_log(output):
            if event[0] == 'commit':
                self.scanned_commits += 1
                continue
            commit, path, number, text = event[1:]
            location = '%s@%s:%s' % (repo, commit[:12], path)
            for hit in self.scanner.scan_line(text):
                fields = dict(file=path, commit=commit, repo=repo)
                if number is not None:
                    fields['line'] = number
                if not self.findings.add(hit, location, **fields):
                    return

    def result(self):
        return dict(
            findings=self.findings.findings,
            accepted_findings=self.findings.accepted_findings,
            unused_accepted=self.findings.unused_accepted,
            truncated=self.findings.truncated,
            scanned_files=self.scanned_files,
            scanned_commits=self.scanned_commits,
            unread=self.unread,
            unread_count=self.unread_count,
            missing=self.missing,
        )


# --------------------------------------------------------------------------
# Git
# --------------------------------------------------------------------------

COMMIT_MARK = b'commit:'


def git_log_command(git, repo):
    """Argument list that prints every commit of every ref as ``commit:<sha>`` plus its patch.

    External diff and textconv drivers are switched off because they are the
    repository's own configuration and would run its commands; the prefixes are
    given because ``diff.noprefix`` in a user's configuration would change them.
    """
    return [git, '-c', 'safe.directory=%s' % repo, '-c', 'core.quotepath=off', '-C', repo,
            'log', '--all', '-p', '--no-color', '--no-ext-diff', '--no-textconv',
            '--src-prefix=a/', '--dst-prefix=b/', '--format=commit:%H']


def git_check_command(git, repo):
    """Argument list that succeeds only inside a git repository."""
    return [git, '-c', 'safe.directory=%s' % repo, '-C', repo, 'rev-parse', '--git-dir']


_HUNK_RE = re.compile(br'^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')
_C_ESCAPES = {b'a': b'\a', b'b': b'\b', b't': b'\t', b'n': b'\n', b'v': b'\v', b'f': b'\f', b'r': b'\r',
              b'"': b'"', b'\\': b'\\'}


def unquote_path(raw):
    """A path of a diff header as text; git C-quotes names with unusual characters."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return decode(raw)
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i:i + 1]
        if char == b'\\' and i + 1 < len(body):
            following = body[i + 1:i + 2]
            if following in _C_ESCAPES:
                out += _C_ESCAPES[following]
                i += 2
                continue
            octal = body[i + 1:i + 4]
            if len(octal) == 3 and all(c in b'01234567' for c in bytearray(octal)):
                out.append(int(octal, 8))
                i += 4
                continue
        out += char
        i += 1
    return decode(bytes(out))


def _new_path(line):
    """The path after ``+++ ``; ``None`` for ``/dev/null`` (a deleted file)."""
    raw = line[4:]
    if raw.endswith(b'\t'):
        # git adds a tab after a name with a space in it, for GNU patch
        raw = raw[:-1]
    if raw == b'/dev/null':
        return None
    path = unquote_path(raw)
    return path[2:] if path.startswith('b/') else path


def parse_git_log(output):
    """Events of ``git log -p --format=commit:%H`` output (bytes).

    Yields ``('commit', sha)`` per commit and ``('added', sha, path, line_number, text)``
    per added line, ``line_number`` being its line in the file after the commit.
    Hunk line counts decide where a hunk ends, so an added line that itself
    starts with ``++`` or ``commit:`` is read as content.
    """
    commit = None
    path = None
    old_left = new_left = 0
    number = None
    for line in output.split(b'\n'):
        if old_left > 0 or new_left > 0:
            marker = line[:1]
            if marker == b'+':
                if path is not None and commit is not None:
                    yield ('added', commit, path, number, decode(line[1:]).rstrip('\r'))
                number += 1
                new_left -= 1
                continue
            if marker == b'-':
                old_left -= 1
                continue
            if marker == b' ' or line == b'':
                number += 1
                old_left -= 1
                new_left -= 1
                continue
            if marker == b'\\':
                continue  # "\ No newline at end of file"
            # the counts and the lines disagree: read this line as a header
            old_left = new_left = 0
        if line.startswith(COMMIT_MARK):
            commit = decode(line[len(COMMIT_MARK):]).strip()
            path = None
            yield ('commit', commit)
        elif line.startswith(b'diff --git '):
            path = None
        elif line.startswith(b'+++ '):
            path = _new_path(line)
        elif line.startswith(b'@@ '):
            match = _HUNK_RE.match(line)
            if match:
                old_left = int(match.group(1)) if match.group(1) is not None else 1
                number = int(match.group(2))
                new_left = int(match.group(3)) if match.group(3) is not None else 1
