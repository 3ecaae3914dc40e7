"""The hand-built graph is clean under the whole pack: the baseline every break test edits."""

from policies.evaluate import evaluate


def test_fixture_stack_has_no_violations(stack):
    assert evaluate(stack.resources()) == []
