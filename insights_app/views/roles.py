"""Who writes on the product manager's pages: the role, and the mixin for pages that only exist
to change data (the assumption form here, the conversation log form in conversations_app)."""

from django.core.exceptions import PermissionDenied

from accounts_app.scoping import WorkspaceViewMixin

WRITE_ROLES = ("pm",)


class _WriterOnlyMixin(WorkspaceViewMixin):
    """Pages that only exist to change data: readers get 403 even on GET."""

    write_roles = WRITE_ROLES
    forbidden_message = "Your role in this workspace cannot change conversations."

    def get(self, request, *args, **kwargs):
        if not self.can_write():
            raise PermissionDenied(self.forbidden_message)
        return super().get(request, *args, **kwargs)
