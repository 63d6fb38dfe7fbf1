"""API views of personas_app: personas, contacts and advocacy edges."""

from accounts_app.api.base import Services, WorkspaceModelViewSet
from accounts_app.api.schema import crud_schema
from accounts_app.models import Membership
from personas_app.api.serializers import (
    AdvocacySerializer,
    ContactSerializer,
    PersonaSerializer,
)
from personas_app.filters import AdvocacyFilter, ContactFilter, PersonaFilter
from personas_app.models import Advocacy, Contact, Persona
from personas_app.selectors import advocacy_list, contact_list, persona_list
from personas_app.services import (
    advocacy_create,
    advocacy_delete,
    advocacy_update,
    contact_create,
    contact_delete,
    contact_update,
    persona_create,
    persona_delete,
    persona_update,
)

# People data: sales maintains the people on deals, pm meets them in conversations.
PEOPLE_WRITERS = (Membership.Role.SALES, Membership.Role.PM)
PEOPLE_WRITERS_TEXT = "admin, sales and pm (people data)"


@crud_schema("persona", "personas", writers=PEOPLE_WRITERS_TEXT)
class PersonaViewSet(WorkspaceModelViewSet):
    """Archetypes ("SRE", "CIO") with what each is measured on."""

    queryset = Persona.objects.all()
    selector = persona_list
    serializer_class = PersonaSerializer
    filterset_class = PersonaFilter
    search_fields = ["name", "goals", "pains", "success_metric"]
    ordering_fields = ["name", "kind", "created_at"]
    write_roles = PEOPLE_WRITERS
    services = Services("persona", persona_create, persona_update, persona_delete)


@crud_schema(
    "contact",
    "contacts",
    writers="admin, sales and pm",
    filters_note="`?account=`, `?deal=` (holds a role on it), `?seniority=`, `?has_left=`.",
)
class ContactViewSet(WorkspaceModelViewSet):
    """Real people at accounts, with their persona and whom they report to."""

    queryset = Contact.objects.all()
    selector = contact_list
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    search_fields = ["first_name", "last_name", "title", "email", "department"]
    ordering_fields = ["last_name", "first_name", "title", "seniority", "created_at"]
    write_roles = PEOPLE_WRITERS
    services = Services("contact", contact_create, contact_update, contact_delete)


@crud_schema("advocacy edge", "advocacy edges", writers=PEOPLE_WRITERS_TEXT)
class AdvocacyViewSet(WorkspaceModelViewSet):
    """ "A champions our product to B": the influence graph with reporting lines."""

    queryset = Advocacy.objects.all()
    selector = advocacy_list
    serializer_class = AdvocacySerializer
    filterset_class = AdvocacyFilter
    search_fields = ["note", "advocate__last_name", "audience__last_name"]
    ordering_fields = ["id", "created_at"]
    write_roles = PEOPLE_WRITERS
    services = Services("advocacy", advocacy_create, advocacy_update, advocacy_delete)
