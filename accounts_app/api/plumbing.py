"""DRF plumbing the settings name (pagination, search, ordering); imports nothing of the views."""

from functools import cached_property, partial

from django.core.paginator import Paginator
from django.template import loader
from rest_framework import exceptions, filters, pagination


class CountedPaginator(Paginator):
    """A paginator told its count (exact, from elsewhere) instead of running COUNT(*)."""

    def __init__(self, *args, known_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count


class Pagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 50, at most 200).

    A view with ``known_count()`` (an exact count it can get cheaply, or None) spares the
    list its COUNT(*) (see common.counting.py)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        known = getattr(view, "known_count", None)
        count = known() if known is not None else None
        if count is not None:
            self.django_paginator_class = partial(CountedPaginator, known_count=count)
        return super().paginate_queryset(queryset, request, view)


class SearchFilter(filters.SearchFilter):
    """DRF's search, with the parameter described for clients.

    A view may define ``search_q(terms) -> Q`` instead of ``search_fields`` to search where a
    field list cannot say it without ``DISTINCT`` (names across a many-to-many, as ``EXISTS``);
    its list pages then share the same condition."""

    search_description = "Words to look for (case-insensitive) in names, titles and notes."

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as exc:  # a NUL character: say which parameter
            raise exceptions.ValidationError({self.search_param: exc.detail}) from exc

    def filter_queryset(self, request, queryset, view):
        search_q = getattr(view, "search_q", None)
        if search_q is None:
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        return queryset.filter(search_q(terms)) if terms else queryset

    def to_html(self, request, queryset, view):
        if getattr(view, "search_q", None) is None:
            return super().to_html(request, queryset, view)
        template = loader.get_template(self.template)
        term = request.query_params.get(self.search_param, "")
        return template.render({"param": self.search_param, "term": term})


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=field`` or ``-field``; unknown fields are ignored."""

    ordering_description = (
        "Sort by one of the listed fields (prefix with '-' for descending); "
        "several may be given, separated by commas."
    )
