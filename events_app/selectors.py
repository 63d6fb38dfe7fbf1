"""Reads of the event outbox."""

from django.db.models import QuerySet

from accounts_app.models import Workspace

from .models import Event


def event_list(*, workspace: Workspace) -> QuerySet[Event]:
    return Event.objects.for_workspace(workspace).select_related("actor")
