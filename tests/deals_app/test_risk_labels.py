"""People read risk labels, never codes (issue 23): the deal page shows "No path to buyer",
as the board does; the code stays in the data attribute."""

import re

import pytest
from django.urls import reverse

from deals_app.selectors import RISK_LABELS
from tests.deals_app.test_deal_page import rich_deal

pytestmark = pytest.mark.django_db


def _visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_deal_page_shows_risk_labels_not_codes(client, member, workspace):
    deal, _ = rich_deal(workspace)
    client.force_login(member("sales"))
    html = client.get(reverse("deal-detail", args=[deal.pk])).content.decode()
    assert 'data-risk="no_path_to_buyer"' in html
    text = _visible_text(html)
    assert RISK_LABELS["no_path_to_buyer"] in text
    assert RISK_LABELS["buyer_not_engaged"] in text
    for code in RISK_LABELS:
        assert code not in text, code


def test_the_board_and_list_show_labels_too(client, member, workspace):
    rich_deal(workspace)
    client.force_login(member("sales"))
    for page in (reverse("deal-list"), reverse("deal-list") + "?view=board"):
        text = _visible_text(client.get(page).content.decode())
        assert RISK_LABELS["no_path_to_buyer"] in text
        for code in RISK_LABELS:
            assert code not in text, (page, code)
