"""Verify the channels role: allowlists, groups only where listed, routes, unlisted channels off."""
from conftest import findings_in


def test_telegram_allowlisted_and_routed_to_the_monitor(config, legacy):
    telegram = config['channels']['telegram']
    # On, except on 2026.6.5, whose Gateway loops without network when the bot is on (host_vars).
    assert telegram['enabled'] is not legacy
    assert telegram['dmPolicy'] == 'allowlist' and telegram['allowFrom'] == ['123456789']
    assert telegram['groupPolicy'] == 'disabled'
    # The guide's bare "*" group entry and the open group senders are gone.
    assert 'groups' not in telegram and 'groupAllowFrom' not in telegram
    # The token reference the secrets role wrote is kept.
    assert telegram['botToken']['source'] in ('file', 'env')
    assert {'agentId': 'monitor', 'comment': 'clawfleet.openclaw channels role',
            'match': {'channel': 'telegram', 'accountId': '*'}} in config['bindings']


def test_discord_off_with_one_guild_channel(config):
    discord = config['channels']['discord']
    assert discord['enabled'] is False
    assert (discord['dmPolicy'], discord['allowFrom'], discord['groupPolicy']) == (
        'allowlist', ['234567890123456789'], 'allowlist')
    assert discord['guilds'] == {'111111111111111111': {
        'requireMention': True, 'users': ['234567890123456789'],
        'channels': {'222222222222222222': {'requireMention': True}}}}
    assert 'dm' not in discord


def test_whatsapp_and_the_unlisted_signal_are_off(config):
    assert config['channels']['whatsapp']['enabled'] is False
    assert config['channels']['whatsapp']['dmPolicy'] == 'disabled'
    signal = config['channels']['signal']
    assert (signal['enabled'], signal['dmPolicy'], signal['groupPolicy']) == (False, 'disabled', 'disabled')


def test_audit_has_no_open_channel(deep_audit):
    # The Discord guild allowlist raises OpenClaw's multi-user notice, which any group target does.
    assert findings_in(deep_audit, 'channels.', 'security.exposure.open_') == []
    trust = [f['checkId'] for f in findings_in(deep_audit, 'security.trust_model.')]
    assert trust == ['security.trust_model.multi_user_heuristic'], trust
