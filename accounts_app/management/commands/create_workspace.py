"""manage.py create_workspace SLUG [--name NAME] [--owner USERNAME] [--role ROLE]"""

from django.core.management.base import BaseCommand, CommandError

from accounts_app.models import Membership
from accounts_app.services import membership_set, user_get_or_create, workspace_create_or_update
from common.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create a workspace (or update it), optionally adding a member. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--owner", help="Username to add; created when missing.")
        parser.add_argument("--role", default=Membership.Role.ADMIN, choices=Membership.Role.values)
        parser.add_argument("--password", help="Password for a newly created owner.")

    def handle(self, *args, slug, name, owner, role, password, **options):
        try:
            workspace, created = workspace_create_or_update(slug=slug, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} workspace {workspace.slug}.")
        if owner:
            user, user_created = user_get_or_create(username=owner, password=password)
            membership, m_created = membership_set(workspace=workspace, user=user, role=role)
            if user_created:
                hint = "" if password else " (no password yet: run manage.py changepassword)"
                self.stdout.write(f"Created user {owner}{hint}.")
            verb = "Added" if m_created else "Set"
            self.stdout.write(f"{verb} {owner} as {membership.get_role_display()}.")
