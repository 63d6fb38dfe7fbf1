"""How events read in mails and Slack: segment shifts in either unit, names of any object."""

from types import SimpleNamespace

import pytest

from alerts_app.services.wording import (
    event_object_name,
    segment_shift_line,
    unsubscribe_read,
    unsubscribe_token,
)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"metric": "win_rate", "before": 0.42, "after": 0.28}, "Win rate 42% → 28% (−14 points)"),
        ({"metric": "win_rate", "before": 30, "after": 45.4}, "Win rate 30% → 45% (+15 points)"),
        (
            {"metric": "pipeline", "before": "100000", "after": "150000"},
            "Pipeline 100,000 → 150,000 (+50%)",
        ),
        ({"metric": "pipeline", "before": 0, "after": 5000}, "Pipeline 0 → 5,000"),
        ({"metric": "win_rate", "before": None, "after": 0.3}, "Win rate"),
        ({"metric": "deal_count", "before": 3, "after": "x"}, "Deal count"),
    ],
)
def test_a_segment_shift_reads_in_either_unit(data, line):
    assert segment_shift_line(data) == line


def _event(type, data, object_type="deal"):
    return SimpleNamespace(type=type, data=data, object_type=object_type)


def test_the_object_name_comes_from_the_events_data():
    assert event_object_name(_event("deal.won", {"deal": "Umbrella"})) == "Umbrella"
    assert event_object_name(_event("feature_request.created", {"title": "SSO"})) == "SSO"
    shift = _event("segment.shifted", {"dimension": "company_size", "value": "smb"})
    assert event_object_name(shift) == "Company size: smb"
    assert event_object_name(_event("import.finished", {}, "import_job")) == "Import job"


def test_an_unsubscribe_token_reads_back_and_nothing_else_does():
    token = unsubscribe_token(user_id=4, subscription_ids=[9, 2])
    assert unsubscribe_read(token) == (4, [2, 9])
    assert unsubscribe_read(token + "x") is None
    assert unsubscribe_read(unsubscribe_token(user_id=4, subscription_ids=[])) is None
