import pytest

from bot.rules.attribution import STATE_MAX_LENGTH, attribute_group_join, new_state, state_kind


@pytest.mark.parametrize("kind", ["contact", "group"])
def test_states_are_typed_short_and_unique(kind):
    states = {new_state(kind, "SH-001-Nanjing-Road-Flagship") for _ in range(200)}
    assert len(states) == 200
    assert all(len(s) <= STATE_MAX_LENGTH and state_kind(s) == kind for s in states)


def test_foreign_states_have_no_kind():
    assert state_kind("外联二维码1") is None and state_kind(None) is None


def test_group_join_goes_to_state_guide_then_invitor_then_owner():
    guides = {"g1", "g2", "owner"}
    assert attribute_group_join(channel_guide="g1", invitor="g2", owner="owner", known_guides=guides) == "g1"
    assert attribute_group_join(channel_guide=None, invitor="g2", owner="owner", known_guides=guides) == "g2"
    assert attribute_group_join(channel_guide=None, invitor=None, owner="owner", known_guides=guides) == "owner"
    assert attribute_group_join(channel_guide=None, invitor="stranger", owner="x", known_guides=guides) is None
