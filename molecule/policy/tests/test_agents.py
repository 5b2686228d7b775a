"""Verify the agents role: concurrency limits and the roster form the version needs."""


def test_concurrency_limits(config):
    defaults = config['agents']['defaults']
    assert defaults['maxConcurrent'] == 4
    assert defaults['subagents']['maxConcurrent'] == 8


def test_roster_form_of_the_version(config, legacy):
    agents = config['agents']
    if legacy:
        assert sorted(agent['id'] for agent in agents['list']) == ['coder', 'monitor']
        assert 'entries' not in agents and 'ownership' not in agents
    else:
        assert sorted(agents['entries']) == ['coder', 'monitor']
        assert agents['ownership'] == 'explicit'
        assert 'list' not in agents
