"""The product manager's landing page (``/pm/``, "My work"): my recent conversations, my open
action items with an inline "done" tick, assumptions still untested, and discovery blind spots
(segment values with much pipeline and little listening, read from the published snapshot)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from deals_app.selectors import ACCOUNT_LIST_DIMENSIONS, DIMENSIONS
from deals_app.services import action_item_update
from insights_app.selectors import ACCOUNT_DIMENSIONS, snapshot_published_get
from insights_app.selectors.pm import (
    BLIND_SPOT_LISTENING_RATIO,
    BLIND_SPOT_MIN_SHARE,
    OPEN_ACTION_ITEMS,
    UNTESTED_ASSUMPTIONS,
    action_item_get,
    assumption_gaps,
    find_blind_spots,
    my_open_action_items,
    my_recent_conversations,
    segment_rows_published,
    untested_assumption_list,
)

from .roles import WRITE_ROLES

ASK_NEXT_DIMENSION = "industry"  # "ask next" on the landing page: values of this dimension


class PMHomeView(WorkspaceViewMixin, TemplateView):
    """``/pm/``: what needs the product manager next. Readers see it too, without the ticks."""

    template_name = "insights_app/pm_home.html"
    write_roles = WRITE_ROLES

    def get_context_data(self, **kwargs):
        user = self.request.user
        items = my_open_action_items(workspace=self.workspace, user=user)
        untested = untested_assumption_list(workspace=self.workspace)
        segment_rows, computed_at = segment_rows_published(workspace=self.workspace)
        support = snapshot_published_get(
            workspace=self.workspace, kind="assumptions", dimension=ASK_NEXT_DIMENSION
        )
        return super().get_context_data(
            conversations=my_recent_conversations(workspace=self.workspace, user=user),
            action_items=list(items[:OPEN_ACTION_ITEMS]),
            action_item_count=items.count(),
            untested=list(untested[:UNTESTED_ASSUMPTIONS]),
            untested_count=untested.count(),
            ask_next=assumption_gaps(
                support.payload or {}, labels=DIMENSIONS.get(ASK_NEXT_DIMENSION, {})
            ),
            ask_next_dimension=ACCOUNT_DIMENSIONS[ASK_NEXT_DIMENSION],
            blind_spots=find_blind_spots(segment_rows),
            account_filters=ACCOUNT_LIST_DIMENSIONS,  # the others link to the dashboard
            blind_spot_min_share=BLIND_SPOT_MIN_SHARE,
            blind_spot_ratio=BLIND_SPOT_LISTENING_RATIO,
            segments_computed_at=computed_at,
            segments_published=bool(segment_rows),
            today=timezone.localdate(),
            **kwargs,
        )


class ActionItemDoneView(WorkspaceViewMixin, View):
    """POST ``/pm/action-items/<id>/done/`` with ``done=1`` (or ``0`` to undo).

    With htmx it answers the item's row in its new state; without JavaScript it goes back to
    the landing page with a message. Another workspace's item is a 404.
    """

    write_roles = WRITE_ROLES
    http_method_names = ["post"]

    def post(self, request, pk):
        item = action_item_get(workspace=self.workspace, pk=pk)
        done = request.POST.get("done", "1") != "0"
        item = action_item_update(workspace=self.workspace, action_item=item, done=done)
        if request.htmx:
            # The row in its new state, and the open count beside the heading (out of band).
            open_count = my_open_action_items(workspace=self.workspace, user=request.user).count()
            context = {
                "item": item,
                "can_write": True,
                "today": timezone.localdate(),
                "open_count": open_count,
            }
            return render(request, "insights_app/_pm_action_item.html", context)
        if done:
            messages.success(request, f"Done: {item.text}")
        else:
            messages.info(request, f"Open again: {item.text}")
        return redirect("pm-home")
