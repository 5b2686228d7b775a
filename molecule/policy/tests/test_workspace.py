"""Verify the workspace role: the untrusted-content rules in AGENTS.md."""
AGENTS_MD = '/home/openclaw/.openclaw/workspace/AGENTS.md'
BEGIN = '<!-- BEGIN clawfleet.openclaw.workspace: untrusted content rules, managed by Ansible -->'


def test_rules_block_once_and_private(host):
    agents_md = host.file(AGENTS_MD)
    assert agents_md.exists and agents_md.user == 'openclaw' and agents_md.mode == 0o600
    text = agents_md.content_string
    assert text.count(BEGIN) == 1
    assert 'Untrusted Content' in text
