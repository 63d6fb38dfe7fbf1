"""DRF plumbing the settings name (pagination, search, ordering); imports nothing of the views."""

from rest_framework import exceptions, filters, pagination


class Pagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 50, at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SearchFilter(filters.SearchFilter):
    """DRF's search, with the parameter described for clients."""

    search_description = "Words to look for (case-insensitive) in names, titles and notes."

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as exc:  # a NUL character: say which parameter
            raise exceptions.ValidationError({self.search_param: exc.detail}) from exc


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=field`` or ``-field``; unknown fields are ignored."""

    ordering_description = (
        "Sort by one of the listed fields (prefix with '-' for descending); "
        "several may be given, separated by commas."
    )
