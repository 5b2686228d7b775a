# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret detection, masking and git log parsing of ``module_utils/secret_scan``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import string

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import secret_scan as scan
from ansible_collections.clawfleet.openclaw.plugins.module_utils.secret_scan import (
    ELLIPSIS, Findings, Hit, PatternError, Scanner, excluded, literal_value, parse_git_log, unquote_path,
)

# Credential-shaped values are generated here, so that no file holds a
# literal one. None of them is real. Each is (value, random part); the random
# part is what must never show up in a result.
_RNG = random.Random(20261125)
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + '_-'
HEX = '0123456789abcdef'


def _random(alphabet, length):
    # every kind of character the alphabet has, as a real key would: the
    # shapes' own sanity checks must not decide a test by chance
    classes = [test for test in (str.isdigit, str.isupper, str.islower) if any(test(c) for c in alphabet)]
    while True:
        text = ''.join(_RNG.choice(alphabet) for dummy in range(length))
        if all(any(test(c) for c in text) for test in classes):
            return text


def _fake(prefix, alphabet, length, suffix=''):
    part = _random(alphabet, length)
    return prefix + part + suffix, part


ANTHROPIC = _fake('sk-ant-api03-', B64URL, 93, 'AA')
OPENROUTER = _fake('sk-or-v1-', HEX, 64)
OPENAI_PROJECT = _fake('sk-proj-', B64URL, 120)
OPENAI = _fake('sk-', ALNUM, 48)
GITHUB = _fake('ghp_', ALNUM, 36)
GITHUB_PAT = _fake('github_pat_', ALNUM + '_', 82)
SLACK_BOT = _fake('xoxb-2718281828-3141592653589-', ALNUM, 24)
SLACK_APP = _fake('xapp-1-A0123456789-1234567890123-', HEX, 64)
AWS = _fake('AKIA', string.ascii_uppercase + string.digits, 16)
TELEGRAM = _fake('7214563382:AA', B64URL, 33)
DISCORD_PARTS = (_random(B64URL, 23), _random(B64URL, 6), _random(B64URL, 38))
DISCORD = ('MT' + '.'.join(DISCORD_PARTS), ''.join(DISCORD_PARTS))
JWT_PARTS = (_random(B64URL, 30), _random(B64URL, 60), _random(B64URL, 43))
JWT = ('eyJ%s.eyJ%s.%s' % JWT_PARTS, ''.join(JWT_PARTS))
HEX64 = _fake('', HEX, 64)
BASE64 = _fake('', ALNUM + '+/', 43, '=')
PASSWORD = _fake('', ALNUM + '!#%', 20)

FAKES = [ANTHROPIC, OPENROUTER, OPENAI_PROJECT, OPENAI, GITHUB, GITHUB_PAT, SLACK_BOT, SLACK_APP, AWS, TELEGRAM,
         DISCORD, JWT, HEX64, BASE64, PASSWORD]


def hits(line, patterns=None):
    return Scanner(patterns).scan_line(line)


def kinds(line, patterns=None):
    return [hit.kind for hit in hits(line, patterns)]


def assert_no_leak(text, fakes=None):
    """Neither a secret nor any 6-character piece of its random part is in ``text``."""
    for value, part in fakes or FAKES:
        assert value not in text
        for i in range(len(part) - 5):
            assert part[i:i + 6] not in text, 'piece %r of a secret leaked' % part[i:i + 6]


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------

SHAPE_CASES = [
    ('anthropic', '"apiKey": "%s",' % ANTHROPIC[0], 'anthropic-api-key', u'sk-ant-%s(108 chars)' % ELLIPSIS),
    ('openrouter', 'OPENROUTER_API_KEY=%s' % OPENROUTER[0], 'openrouter-api-key', u'sk-or-v1-%s(73 chars)' % ELLIPSIS),
    ('openai project', 'key %s here' % OPENAI_PROJECT[0], 'openai-project-key', u'sk-proj-%s(128 chars)' % ELLIPSIS),
    ('sk plain', 'curl -H "Authorization: Bearer %s"' % OPENAI[0], 'sk-api-key', u'sk-%s(51 chars)' % ELLIPSIS),
    ('github classic', 'url = https://%s@github.com/a/b' % GITHUB[0], 'github-token', u'ghp_%s(40 chars)' % ELLIPSIS),
    ('github fine-grained', 'GH=%s' % GITHUB_PAT[0], 'github-token', u'github_pat_%s(93 chars)' % ELLIPSIS),
    ('slack bot', '"botToken": "%s"' % SLACK_BOT[0], 'slack-token', u'xoxb-%s(54 chars)' % ELLIPSIS),
    ('slack app', 'appToken: %s' % SLACK_APP[0], 'slack-token', u'xapp-%s(97 chars)' % ELLIPSIS),
    ('aws', 'aws_access_key_id = %s' % AWS[0], 'aws-access-key-id', u'AKIA%s(20 chars)' % ELLIPSIS),
    ('telegram', '"botToken": "%s"' % TELEGRAM[0], 'telegram-bot-token', u'%s(46 chars)' % ELLIPSIS),
    ('telegram in a Bot API url', 'GET https://api.telegram.org/bot%s/getMe' % TELEGRAM[0], 'telegram-bot-token',
     u'%s(46 chars)' % ELLIPSIS),
    ('discord', 'DISCORD_BOT_TOKEN=%s' % DISCORD[0], 'discord-bot-token', u'%s(71 chars)' % ELLIPSIS),
    ('jwt', 'Authorization: Bearer %s' % JWT[0], 'jwt', u'eyJ%s(141 chars)' % ELLIPSIS),
    ('private key', '-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key',
     u'-----BEGIN OPENSSH PRIVATE KEY-----%s' % ELLIPSIS),
    ('pgp private key', '-----BEGIN PGP PRIVATE KEY BLOCK-----', 'private-key',
     u'-----BEGIN PGP PRIVATE KEY BLOCK-----%s' % ELLIPSIS),
    ('hex after a keyword', 'openclaw gateway --token %s' % HEX64[0], 'hex-token', u'%s(64 chars)' % ELLIPSIS),
    ('base64 after a keyword', 'secret for the webhook: %s' % BASE64[0], 'base64-token', u'%s(44 chars)' % ELLIPSIS),
]


@pytest.mark.parametrize('line, kind, masked', [case[1:] for case in SHAPE_CASES], ids=[case[0] for case in SHAPE_CASES])
def test_shape_is_found_and_masked(line, kind, masked):
    found = hits(line)
    assert [(hit.kind, hit.masked) for hit in found] == [(kind, masked)]
    assert_no_leak(json.dumps([hit.masked for hit in found]))


def test_the_span_is_the_secret():
    line = 'x = "%s";' % GITHUB[0]
    hit = hits(line)[0]
    assert line[hit.start:hit.end] == GITHUB[0]


@pytest.mark.parametrize('line', [
    'xsk-%s' % OPENAI[1],                                   # inside a word
    'sk-this-is-a-long-hyphenated-name-of-a-task',          # no digits: not random
    'AKIAIOSFODNN7EXAMPLE',                                 # AWS's documentation key
    '123%s' % TELEGRAM[0],                                  # 13 digits
    'build MT%s.abcdef.ghijklmnopqrstuvwxyzabcdefghij' % ('a' * 23),  # no digits, no capitals
    'ghp_short',
    'sk-proj-example0123456789abcdefghij',                  # documentation
])
def test_shape_lookalikes_are_not_found(line):
    assert kinds(line) == []


def test_several_secrets_on_one_line():
    line = 'A=%s B=%s' % (GITHUB[0], AWS[0])
    assert kinds(line) == ['github-token', 'aws-access-key-id']


# --------------------------------------------------------------------------
# Keyword assignments
# --------------------------------------------------------------------------

ASSIGNMENTS = [
    ('json', '    "password": "%s",' % PASSWORD[0], 'password'),
    ('json camel case', '"gatewayToken":"%s"' % PASSWORD[0], 'gatewayToken'),
    ('yaml', 'db_password: %s' % PASSWORD[0], 'db_password'),
    ('yaml quoted', "  clientSecret: '%s'" % PASSWORD[0], 'clientSecret'),
    ('env file', 'MY_SERVICE_API_KEY=%s' % PASSWORD[0], 'MY_SERVICE_API_KEY'),
    ('shell export', 'export WEBHOOK_SECRET="%s"' % PASSWORD[0], 'WEBHOOK_SECRET'),
    ('ini', 'passwd = %s' % PASSWORD[0], 'passwd'),
    ('header', 'X-Api-Key: %s' % PASSWORD[0], 'X-Api-Key'),
    ('query string', 'GET http://127.0.0.1:18789/?token=%s&session=main' % PASSWORD[0].replace('&', 'A'), 'token'),
    ('cli flag', 'ran: openclaw login --api-key=%s' % PASSWORD[0], '--api-key'),
    ('json in a log record', '{"msg": "config", "raw": "{\\"apiKey\\": \\"%s\\"}"}' % PASSWORD[0], 'apiKey'),
    ('dotted key', 'channels.slack.signingSecret = "%s"' % PASSWORD[0], 'channels.slack.signingSecret'),
    ('KEY=value in quotes', '  - "GATEWAY_TOKEN=%s"' % PASSWORD[0], 'GATEWAY_TOKEN'),
    ('markdown code', 'the token: `%s`' % PASSWORD[0], 'token'),
]


@pytest.mark.parametrize('line, key', [case[1:] for case in ASSIGNMENTS], ids=[case[0] for case in ASSIGNMENTS])
def test_keyword_assignment(line, key):
    found = hits(line)
    assert [hit.kind for hit in found] == ['keyword-assignment']
    value = PASSWORD[0].replace('&', 'A') if 'query' in line else PASSWORD[0]
    assert found[0].masked == u'%s=%s(%d chars)' % (key, ELLIPSIS, len(value))
    assert_no_leak(found[0].masked)


def test_keyword_assignment_of_a_known_shape_keeps_the_shape():
    found = hits('"apiKey": "%s"' % ANTHROPIC[0])
    assert [hit.kind for hit in found] == ['anthropic-api-key']
    found = hits('OPENCLAW_GATEWAY_TOKEN=%s' % HEX64[0])
    assert [hit.kind for hit in found] == ['keyword-assignment']


NOT_SECRETS = [
    ('SecretRef object', '"token": {"source": "file", "provider": "gwfile", "id": "value"}'),
    ('SecretRef on several lines', '"apiKey": {'),
    ('env shorthand braces', '"apiKey": "${ANTHROPIC_API_KEY}"'),
    ('env shorthand', '"token": "$OPENCLAW_GATEWAY_TOKEN"'),
    ('shell expansion', 'TOKEN="$(cat /run/secrets/token)"'),
    ('jinja', 'openclaw_gateway_token: "{{ vault_gateway_token }}"'),
    ('integrity hash', '"integrity": "sha512-%s=="' % _random(ALNUM + '+/', 86)),
    ('commit hash', 'commit %s' % _random(HEX, 40)),
    ('merge line', 'Merge: %s %s' % (_random(HEX, 40), _random(HEX, 40))),
    ('uuid', '"sessionId": "3f2a9c01-d4e7-4b8a-9c0d-1e2f3a4b5c6d"'),
    ('auth mode', '"mode": "token"'),
    ('placeholder changeme', '"password": "changeme"'),
    ('placeholder angle', 'OPENAI_API_KEY=<your-openai-api-key>'),
    ('placeholder your', 'apiKey: your-api-key-goes-here'),
    ('placeholder xxx', 'token: xxxxxxxxxxxxxxxxxxxx'),
    ('placeholder stars', '"token": "********"'),
    ('placeholder redacted', '"botToken": "REDACTED-by-openclaw"'),
    ('placeholder example', 'api_key = "sk-example-key-not-real-0000"'),
    ('number', 'tokenCount: 12345'),
    ('long number', '"token": 1234567890123'),
    ('max tokens', '"maxTokens": 8192, "contextTokens": 200000'),
    ('null', '"password": null'),
    ('boolean', 'secret: false'),
    ('empty', 'OPENAI_API_KEY='),
    ('short', 'password: hunter2'),
    ('key not ending in a keyword', '"tokenizer": "cl100k_base_tokenizer_v2"'),
    ('plural', '"secrets": {"providers": {"gwfile": {"source": "file"}}}'),
    ('file path', 'TOKEN_FILE=/run/secrets/token'),
    ('path as value', '"token": "/home/openclaw/.openclaw/secrets/gateway-token"'),
    ('comparison', 'if token == "abcdefgh12345678":'),
    ('code call', 'password = getpass.getpass("Password: ")'),
    ('code attribute', 'token = self.gateway_token'),
    ('code index', 'api_key = os.environ["OPENAI_API_KEY"]'),
    ('type annotation', 'apiKey: string | undefined;'),
    ('keyword in prose', 'The Gateway token is kept in a 0600 file; rotate the token with openclaw_secret.'),
    ('hex without a keyword', 'sha256 %s' % _random(HEX, 64)),
    ('hex far from the keyword', 'token rotated %s %s' % ('.' * 80, _random(HEX, 64))),
    ('base64 without a keyword', '"thinkingSignature": "%s"' % _random(ALNUM + '+/', 400)),
    ('base64 before the keyword', '%s "totalTokens": 1200' % _random(ALNUM + '+/', 64)),
    ('path-like run after a keyword', 'token file: /usr/lib/node_modules/openclaw/dist/gateway/auth/tokens/store'),
    ('keyword inside a word', '"secretsHelpSourceSignature": "%s"' % _random(HEX, 40)),
    ('label', '"botToken": "Bot token (from BotFather)"'),
    ('translated label', 'apiKey:`API-Schl\u00fcsselwert`'),
    ('value names itself', '"token": "shared-gateway-token"'),
    ('replace-me', 'password: "replace-me-now"'),
    ('local provider marker', 'apiKey: "ollama-local"'),
    ('env: reference', 'botToken: "env:TELEGRAM_OPS_BOT_TOKEN"'),
    ('variable name', 'apiKey: "OPENAI_API_KEY"'),
    ('constant', 'SILENT_REPLY_TOKEN = "NO_REPLY"'),
    ('template literal', 'headers.apiKey = `Bearer ${process.env.KEY}`'),
    ('markdown code reference', '- token: `gateway.auth.token` -> `OPENCLAW_GATEWAY_TOKEN`'),
    ('optional chaining', 'const expectedToken = fence?.expectedToken ?? params.expectedToken;'),
    ('private field', 'client_secret: this.#auth.clientSecret2 || ""'),
    ('generic type', 'apiKey: z.ZodOptional<z.ZodString>;'),
    ('minified ternary', 'authDeviceToken:s?a:void 0,authPassword:i'),
    ('yaml vault tag', 'db_password: !vault |'),
    ('end of a quoted phrase', 'x === "api-key" ? "metered api-key" : "subscription/oauth1"'),
    ('start of a quoted id', 'id: "secret:github-copilot:auth-json"'),
    ('xxx inside', 'accessToken: "syt_bot_xxx_0001"'),
    ('in parentheses', 'if (redacted.password) redacted.password = "(hidden)";'),
    ('url after a keyword', 'secret resolution, see https://github.com/openclaw/openclaw/pull/98765/files#diff-0a1b2c3d4E'),
    # Lines of OpenClaw 2026.9.6's own log (a device id, a trace id), as a real Gateway wrote them.
    ('device id in a log line', '"1":"device token rotated device='
                                'a4041d1b3a5414f23fc0d380050e243fcd7df3efc93a9b591ed3e6d9b6dafe31 role=node scopes="'),
    ('trace id in a log line', 'gateway token mismatch (use this gateway\'s gateway.auth.token or pair the device)",'
                               '"traceId":"f49f244fe4402633920997180e987e4a","spanId":"12b6bbca"'),
]


@pytest.mark.parametrize('line', [case[1] for case in NOT_SECRETS], ids=[case[0] for case in NOT_SECRETS])
def test_not_a_secret(line):
    assert hits(line) == []


def test_an_identifier_label_does_not_hide_a_token():
    assert [hit.kind for hit in hits('gateway token=' + 'ab12' * 16)] == ['keyword-assignment']
    assert [hit.kind for hit in hits('token for the device ' + 'ab12' * 16)] == ['hex-token']


@pytest.mark.parametrize('value, code, following, expected', [
    ('q8Zt3Lm0Rv6WcN2p', False, '', True),
    ('q8Zt3Lm0', False, '', True),
    ('q8Zt3Lm', False, '', False),
    ('${X_Y}', False, '', False),
    ('{"source": "env"}', False, '', False),
    ('%(password)s-value', False, '', False),
    ('<paste-it-here>', False, '', False),
    ('YOUR_TOKEN_HERE', False, '', False),
    ('undefined', True, '', False),
    ('1.5e10000', True, '', False),
    ('get_token', True, '(', False),
    ('settings', True, '[', False),
    ('config.gateway.auth', True, '', False),
    ('correcthorse', True, '', False),
    ('correcthorse', False, '', True),
    ('correcthorse9', True, '', True),
    ('  q8Zt3Lm0Rv6  ', False, '', True),
    ('q8Zt 3Lm0Rv6', False, '', False),
    (u'q8Zt3Lm0Rv6\u00e9', False, '', False),
    ('pki_1.RSAPrivateKey', True, '', False),
    ('pki_1.RSAPrivateKey', False, '', True),
    ('A1B2C3D4E5', False, '', True),
    ('MY_VAR_NAME', False, '', False),
])
def test_literal_value(value, code, following, expected):
    assert literal_value(value, code=code, following=following) is expected


# --------------------------------------------------------------------------
# Overlaps, custom patterns
# --------------------------------------------------------------------------

def test_overlapping_rules_report_the_most_specific_kind():
    line = '"token": "%s"' % SLACK_BOT[0]
    assert kinds(line) == ['slack-token']
    # the generic sk- rule matches the Anthropic key too
    assert kinds(ANTHROPIC[0]) == ['anthropic-api-key']
    # a hex value after a keyword is both hex and an assignment
    assert kinds('secret = "%s"' % HEX64[0]) == ['keyword-assignment']


def test_resolve_keeps_disjoint_hits_in_line_order():
    found = scan.resolve([Hit('hex-token', 30, 40, 'a'), Hit('github-token', 0, 10, 'b'),
                          Hit('keyword-assignment', 5, 12, 'c'), Hit('base64-token', 35, 50, 'd')])
    assert [(hit.kind, hit.start) for hit in found] == [('github-token', 0), ('hex-token', 30)]


def test_every_kind_has_a_rank():
    assert set(scan.KINDS) == set(shape.kind for shape in scan.SHAPES) | set(
        ['custom', 'keyword-assignment', 'hex-token', 'base64-token'])


def test_custom_pattern():
    value = 'corp_live_' + HEX64[1][:32]
    found = hits('CORP=%s' % value, patterns=[r'nothing-here', r'corp_live_[0-9a-f]{32}'])
    assert [(hit.kind, hit.pattern, hit.masked) for hit in found] == [('custom', 1, u'%s(42 chars)' % ELLIPSIS)]
    assert_no_leak(found[0].masked, [(value, HEX64[1][:32])])


def test_custom_pattern_secret_group():
    found = hits('pin=12345678;', patterns=[r'pin=(?P<secret>\d+)'])
    assert [(hit.kind, hit.start, hit.end) for hit in found] == [('custom', 4, 12)]


def test_custom_pattern_empty_match_is_ignored():
    assert hits('anything', patterns=[r'x*']) == []


def test_custom_pattern_wins_over_generic_rules():
    line = 'secret = "%s"' % HEX64[0]
    assert kinds(line, patterns=[HEX64[1][:8] + '[0-9a-f]+']) == ['custom']


@pytest.mark.parametrize('patterns, index', [(['(unclosed'], 0), (['ok', '[z-a]'], 1), (['ok', 'fine', '*'], 2)])
def test_bad_pattern_names_its_index(patterns, index):
    with pytest.raises(PatternError) as exc:
        Scanner(patterns)
    assert exc.value.index == index
    assert str(exc.value).startswith('patterns[%d] is not a valid regular expression: ' % index)


# --------------------------------------------------------------------------
# Masking never leaks
# --------------------------------------------------------------------------

def test_no_secret_in_any_hit():
    lines = [case[1] for case in SHAPE_CASES] + [case[1] for case in ASSIGNMENTS]
    lines += ['secret: %s, %s' % (fake[0], fake[0]) for fake in FAKES]
    scanner = Scanner()
    shown = []
    for line in lines:
        found = scanner.scan_line(line)
        assert found, line
        shown.extend(repr(hit) for hit in found)
    assert_no_leak('\n'.join(shown))


def test_scan_text_counts_lines_from_one():
    text = 'a\n"password": "%s"\nb\r\nGH=%s\n' % (PASSWORD[0], GITHUB[0])
    assert [(number, hit.kind) for number, hit in Scanner().scan_text(text)] == [
        (2, 'keyword-assignment'), (4, 'github-token')]


# --------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------

def hit(kind='github-token', masked='ghp_...'):
    return Hit(kind, 0, 1, masked)


def test_findings_one_per_location_and_kind():
    findings = Findings()
    assert findings.add(hit(), '/f:1', file='/f', line=1)
    assert findings.add(hit(), '/f:1', file='/f', line=1)
    assert findings.add(hit('hex-token', 'x'), '/f:1', file='/f', line=1)
    assert findings.add(hit(), '/f:2', file='/f', line=2)
    assert [(f['location'], f['kind'], f['count']) for f in findings.findings] == [
        ('/f:1', 'github-token', 2), ('/f:1', 'hex-token', 1), ('/f:2', 'github-token', 1)]
    assert findings.findings[0] == dict(location='/f:1', kind='github-token', masked='ghp_...', count=2, file='/f', line=1)


def test_findings_accepted_and_unused():
    findings = Findings(accepted=['/f:1', '/g:9', '/f:1'])
    findings.add(hit(), '/f:1', file='/f', line=1)
    findings.add(hit(), '/f:3', file='/f', line=3)
    assert [f['location'] for f in findings.accepted_findings] == ['/f:1']
    assert [f['location'] for f in findings.findings] == ['/f:3']
    assert findings.unused_accepted == ['/g:9']


def test_findings_limit():
    findings = Findings(accepted=['/a:1'], limit=2)
    assert findings.add(hit(), '/f:1')
    assert findings.add(hit(), '/f:2')
    # more of a known location, and accepted ones, are still taken
    assert findings.add(hit(), '/f:2')
    assert findings.add(hit(), '/a:1')
    assert not findings.truncated
    assert findings.add(hit(), '/f:3') is False
    assert findings.truncated
    assert len(findings.findings) == 2


def test_custom_finding_names_its_pattern():
    findings = Findings()
    findings.add(Hit('custom', 0, 1, 'x', 3), '/f:1')
    assert findings.findings[0]['pattern'] == 3


# --------------------------------------------------------------------------
# Exclusion
# --------------------------------------------------------------------------

@pytest.mark.parametrize('relative, expected', [
    ('credentials', True),
    ('agents/main/agent/auth-profiles.json', True),
    ('state/openclaw.sqlite', True),
    ('state/openclaw.sqlite-wal', True),
    ('memory/main.db', True),
    ('extensions', True),
    ('cache/control-ui-assets', True),
    ('workspace/node_modules', True),
    ('secrets', True),
    ('gateway.env', True),
    ('.env', True),
    ('workspace/.git', True),
    ('openclaw.json', False),
    ('openclaw.json.20261125T154210.clawfleet.bak', False),
    ('logs/gateway.log', False),
    ('workspace/secrets.md', False),
    ('agents/main/sessions/abc.jsonl', False),
    ('cache/other.json', False),
])
def test_default_exclude(relative, expected):
    assert excluded(relative, scan.DEFAULT_EXCLUDE) is expected


def test_exclude_matches_the_relative_path_too():
    assert excluded('agents/main/sessions', ['agents/*/sessions'])
    assert not excluded('agents/main/sessionsx', ['agents/*/sessions'])
    # case matters, as on the file system
    assert not excluded('Credentials', ['credentials'])


# --------------------------------------------------------------------------
# Git log
# --------------------------------------------------------------------------

SHA1 = 'a' * 40
SHA2 = 'b' * 40

GIT_LOG = b'\n'.join([
    b'commit:' + SHA2.encode(),
    b'',
    b'diff --git a/config/openclaw.json b/config/openclaw.json',
    b'index 1111111..2222222 100644',
    b'--- a/config/openclaw.json',
    b'+++ b/config/openclaw.json',
    b'@@ -1,4 +1,4 @@',
    b' {',
    b'-  "x": 1,',
    b'+  "x": 2,',
    b'   "y": 3,',
    b' }',
    b'diff --git a/old.txt b/old.txt',
    b'deleted file mode 100644',
    b'--- a/old.txt',
    b'+++ /dev/null',
    b'@@ -1 +0,0 @@',
    b'-gone',
    b'commit:' + SHA1.encode(),
    b'',
    b'diff --git "a/we\\"ird \\303\\244.txt" "b/we\\"ird \\303\\244.txt"',
    b'new file mode 100644',
    b'--- /dev/null',
    b'+++ "b/we\\"ird \\303\\244.txt"\t',
    b'@@ -0,0 +1,3 @@',
    b'+++ not a header',
    b'+commit:not a commit',
    b'+caf\xe9 latin-1',
    b'\\ No newline at end of file',
    b'diff --git a/sp ace.txt b/sp ace.txt',
    b'--- /dev/null',
    b'+++ b/sp ace.txt\t',
    b'@@ -0,0 +1 @@',
    b'+x',
    b'',
])


def test_parse_git_log():
    events = list(parse_git_log(GIT_LOG))
    assert events == [
        ('commit', SHA2),
        ('added', SHA2, 'config/openclaw.json', 2, '  "x": 2,'),
        ('commit', SHA1),
        ('added', SHA1, u'we"ird \xe4.txt', 1, '++ not a header'),
        ('added', SHA1, u'we"ird \xe4.txt', 2, 'commit:not a commit'),
        ('added', SHA1, u'we"ird \xe4.txt', 3, u'caf\ufffd latin-1'),
        ('added', SHA1, 'sp ace.txt', 1, 'x'),
    ]


def test_parse_git_log_hunk_offsets():
    output = b'\n'.join([
        b'commit:' + SHA1.encode(), b'', b'diff --git a/f b/f', b'--- a/f', b'+++ b/f',
        b'@@ -10,3 +10,4 @@ def x():', b' a', b'+b', b' c', b' d',
        b'@@ -40,2 +41,3 @@', b' e', b'+f', b'+g',
    ])
    assert [(event[3], event[4]) for event in parse_git_log(output) if event[0] == 'added'] == [
        (11, 'b'), (42, 'f'), (43, 'g')]


def test_parse_git_log_empty():
    assert list(parse_git_log(b'')) == []


@pytest.mark.parametrize('raw, expected', [
    (b'b/plain.txt', 'b/plain.txt'),
    (b'"b/tab\\there"', 'b/tab\there'),
    (b'"b/back\\\\slash"', 'b/back\\slash'),
    (b'"b/\\303\\251t\\303\\251"', u'b/\xe9t\xe9'),
    (b'"b/odd\\q"', 'b/odd\\q'),
])
def test_unquote_path(raw, expected):
    assert unquote_path(raw) == expected


def test_git_commands_are_argument_lists():
    command = scan.git_log_command('/usr/bin/git', '/srv/repo')
    assert command[:7] == ['/usr/bin/git', '-c', 'safe.directory=/srv/repo', '-c', 'core.quotepath=off', '-C', '/srv/repo']
    for option in ('--all', '-p', '--no-color', '--no-ext-diff', '--no-textconv', '--format=commit:%H'):
        assert option in command
    assert scan.git_check_command('/usr/bin/git', '/srv/repo')[-2:] == ['rev-parse', '--git-dir']
