"""One deal's page (PRODUCT.md §5): persona map, risks, MEDDPICC, business case beside user
pains, conversation timeline, and the small forms that edit the map without leaving the page.

Every edit posts to ``deal-edit`` with an action name, calls one existing service and redirects
back; bad input re-renders the page with the form's errors (status 400), never a 500.
The page runs a constant number of queries, whatever the number of people or conversations.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from common.exceptions import ApplicationError
from common.services import UNSET
from deals_app import forms as f
from deals_app.charts import persona_map_figure
from deals_app.models import Deal, DealRole
from deals_app.selectors import (
    RISK_LABELS,
    ROLE_LABELS,
    deal_choosable_contacts,
    deal_get,
    deal_page,
    deal_role_get,
    deal_roles_with_contacts,
)
from deals_app.selectors.deal_forms import deal_owner_choices, member_label
from deals_app.selectors.intelligence import PersonaMap, why_blocked
from deals_app.services import (
    deal_role_create,
    deal_role_delete,
    deal_role_update,
    deal_scorecard_set,
    deal_update,
)
from personas_app.models import Contact
from personas_app.selectors import advocacy_exists, advocacy_get, contact_list
from personas_app.services import advocacy_create, advocacy_delete, contact_create, contact_update

# What clears each risk (PRODUCT.md §5), shown beside the warning.
RISK_ACTIONS = {
    "no_economic_buyer": "Add the budget owner below with the role “Economic buyer”.",
    "no_champion": "Add the person who wants this deal with the role “Champion”.",
    "single_threaded": "Add a second contact with a role on this deal.",
    "buyer_not_engaged": "Meet the economic buyer, then record the engagement on their role.",
    "champion_left": "Add a new champion, or unmark them if they are still there.",
    "opponent_in_power": "Win them over and change their stance, or find a sponsor above them.",
    "no_path_to_buyer": "Record who the champion advocates to (“Add an advocacy edge”), or "
    "the reporting line that leads to the buyer.",
}
GAP_TEXT = {
    "no_economic_buyer": "No economic buyer on this deal.",
    "no_champion": "No champion on this deal.",
    "no_path_to_buyer": "No path from a champion to the economic buyer.",
}

FORMS = {
    "add-person": f.AddPersonForm,
    "stance": f.StanceForm,
    "remove-role": f.RemoveRoleForm,
    "add-advocacy": f.AdvocacyForm,
    "remove-advocacy": f.RemoveAdvocacyForm,
    "reports-to": f.ReportsToForm,
    "has-left": f.HasLeftForm,
    "scorecard": f.ScorecardForm,
    "close": f.CloseDealForm,
    "details": f.DealEditForm,
    "restore-role": f.RestoreRoleForm,
}
# Where each action's redirect lands on the page (default: the form's own id).
ANCHORS = {"remove-role": "people", "restore-role": "people", "stance": "people"}
# A removed role can be put back for a day with the signed copy of its fields ("Undo").
UNDO_SALT = "deals_app.deal_role.undo"
UNDO_MAX_AGE = 24 * 3600


def _label(contact: Contact, deal: Deal) -> str:
    label = contact.full_name
    if contact.title:
        label += f" — {contact.title}"
    if contact.account_id != deal.account_id:
        label += " (external)"
    if contact.has_left:
        label += " (left)"
    return label


def _blocked_path(persona_map: PersonaMap) -> list[dict]:
    """The shortest champion-to-buyer path that someone blocks, step by step, each step with
    why it blocks ("" for none); empty when a path is open or none exists (PRODUCT.md §5)."""
    if persona_map.path is not None or not persona_map.blocked_path:
        return []
    shown = {n.contact: n for n in persona_map.nodes}
    blocking = {p.contact for p in persona_map.blockers}
    return [
        {
            "name": shown[contact].name if contact in shown else "someone at another account",
            "why": why_blocked(shown[contact]) if contact in blocking and contact in shown else "",
        }
        for contact in persona_map.blocked_path
    ]


class DealDetailView(WorkspaceViewMixin, TemplateView):
    """The deal page; sales and admins see the edit forms, everyone else reads."""

    template_name = "deals_app/deal_detail.html"
    write_roles = ("sales",)

    def get_deal(self) -> Deal:
        try:
            return deal_get(workspace=self.workspace, pk=self.kwargs["pk"])
        except Deal.DoesNotExist:
            raise Http404("No Deal matches the given query.") from None

    def roles(self, deal: Deal) -> list[DealRole]:
        """The deal's roles with their contacts, loaded once per request (1 query)."""
        if not hasattr(self, "_roles"):
            self._roles = deal_roles_with_contacts(workspace=self.workspace, deal=deal)
        return self._roles

    def people(self, deal: Deal) -> dict[int, Contact]:
        """The contacts a form may name, loaded once per request (1 query besides the roles)."""
        if not hasattr(self, "_people"):
            self._people = deal_choosable_contacts(
                workspace=self.workspace, deal=deal, roles=self.roles(deal)
            )
        return self._people

    def get(self, request, *args, **kwargs):
        self.deal = self.get_deal()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, *, bound=None, **kwargs):
        deal = self.deal
        people = self.people(deal)
        page = deal_page(workspace=self.workspace, deal=deal, people=people)
        messages_by_code = {r.code: r.message for r in page.risks}
        gaps = [
            {"code": g, "text": messages_by_code.get(g, GAP_TEXT.get(g, g))}
            for g in page.persona_map.gaps
        ]
        roles = self.roles(deal)
        bound = bound or {}
        forms = {}
        for name, form_class in FORMS.items():
            key = name.replace("-", "_")  # a name templates can look up
            forms[key] = bound[name] if name in bound else self.make_form(form_class)
        shown_set = {n.contact for n in page.persona_map.nodes}
        blocked_path = _blocked_path(page.persona_map)
        for_people = {pk: c for pk, c in people.items() if pk in shown_set}
        context = super().get_context_data(**kwargs)
        context.update(
            deal=deal,
            persona_map=page.persona_map,
            figure=persona_map_figure(page.persona_map, page.details),
            gaps=gaps,
            blocked_path=blocked_path,
            risks=[
                {
                    "code": r.code,
                    "label": RISK_LABELS.get(r.code, r.code),
                    "message": r.message,
                    "action": RISK_ACTIONS.get(r.code, ""),
                }
                for r in page.risks
            ],
            scorecard=page.scorecard,
            roles=roles,
            role_labels=ROLE_LABELS,
            advocacies=page.advocacies,
            conversations=page.conversations,
            pains=page.pains,
            cases=page.cases,
            cases_total=sum((c.estimated_annual_value or 0) for c in page.cases),
            forms=forms,
            stance_choices=DealRole.Stance.choices,
            map_people=for_people,
            history=page.history,
            undo=self.undo_offer(),
        )
        return context

    # --- the forms: built once per request from the loaded people and members ------------------

    def members(self) -> dict[int, Any]:
        """Who may own the deal (1 query, for those who may edit): this workspace's members,
        and the current owner even if they left the workspace."""
        if not hasattr(self, "_members"):
            self._members = {}
            if self.can_write():
                self._members = {u.pk: u for u in deal_owner_choices(workspace=self.workspace)}
                if self.deal.owner_id and self.deal.owner_id not in self._members:
                    self._members[self.deal.owner_id] = self.deal.owner
        return self._members

    def make_form(self, form_class, data=None):
        """A form of the page, bound to ``data`` (a POST) or showing the deal's values."""
        args = () if data is None else (data,)
        deal = self.deal
        if issubclass(form_class, f._PeopleForm):
            people = [(pk, _label(c, deal)) for pk, c in self.people(deal).items()]
            return form_class(*args, people=people)
        if form_class is f.DealEditForm:
            return form_class(
                *args,
                members=[(pk, member_label(u)) for pk, u in self.members().items()],
                closed=deal.is_closed,
                initial={
                    "name": deal.name,
                    "stage": deal.stage,
                    "amount": deal.amount,
                    "close_date": deal.close_date,
                    "owner": deal.owner_id,
                },
            )
        if form_class is f.CloseDealForm and data is None:
            # A move to Closed won/lost on the board lands here with the outcome chosen there.
            outcome = self.request.GET.get("outcome")
            initial = {"outcome": outcome} if outcome in ("won", "lost") else {}
            return form_class(initial=initial)
        return form_class(*args)

    def undo_offer(self) -> dict | None:
        """The "Undo" of a role just removed (``?undo=<signed fields>``), if it is this deal's."""
        token = self.request.GET.get("undo", "")
        if not token or not self.can_write():
            return None
        try:
            fields = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
        except signing.BadSignature:
            return None
        if fields.get("deal") != self.deal.pk:
            return None
        role = DealRole.Role(fields["role"]).label.lower()
        return {"token": token, "text": f"{fields['name']} was removed as {role}."}


class DealEditView(DealDetailView):
    """POST one of the deal page's forms (``action``); sales and admins only."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.deal = self.get_deal()
        action = self.kwargs["action"]
        form_class = FORMS.get(action)
        if form_class is None:
            raise Http404("No such action.")
        form = self.make_form(form_class, request.POST)
        self.redirect_query: dict[str, str] = {}
        if form.is_valid():
            try:
                message = getattr(self, "do_" + action.replace("-", "_"))(form.cleaned_data)
            except ValidationError as error:
                self._add_errors(form, error)
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, message)
                query = f"?{urlencode(self.redirect_query)}" if self.redirect_query else ""
                anchor = ANCHORS.get(action, action)
                return redirect(reverse("deal-detail", args=[self.deal.pk]) + f"{query}#{anchor}")
        self.deal = self.get_deal()  # a failed service call may have changed it in memory
        for cached in ("_people", "_roles", "_members"):  # read again after the failed write
            self.__dict__.pop(cached, None)
        context = self.get_context_data(bound={action: form})
        context["failed_action"] = action
        context["failed_form"] = action.replace("-", "_")
        return self.render_to_response(context, status=400)

    @staticmethod
    def _add_errors(form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)

    # --- helpers: everything named in a form must be this deal's / this workspace's ---------

    def _contact(self, pk: int) -> Contact:
        contact = self.people(self.deal).get(pk)
        if contact is None:
            raise ValidationError("Choose a contact of this deal's account.")
        return contact

    def _role(self, pk: int) -> DealRole:
        role = deal_role_get(workspace=self.workspace, deal=self.deal, pk=pk)
        if role is None:
            raise ValidationError("This role is not on this deal.")
        return role

    # --- actions -----------------------------------------------------------------------------

    def do_add_person(self, data) -> str:
        if data.get("contact"):
            contact = self._contact(data["contact"])
        else:
            contact = contact_create(
                workspace=self.workspace,
                account=self.deal.account,
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                title=data["title"].strip(),
                seniority=data["seniority"],
            )
        deal_role_create(
            workspace=self.workspace,
            deal=self.deal,
            contact=contact,
            role=data["role"],
            stance=data["stance"],
        )
        return f"{contact.full_name} added as {ROLE_LABELS[data['role']].lower()}."

    def do_stance(self, data) -> str:
        role = self._role(data["deal_role"])
        deal_role_update(workspace=self.workspace, deal_role=role, stance=data["stance"])
        return f"{role.contact.full_name} is now {role.get_stance_display().lower()}."

    def do_remove_role(self, data) -> str:
        role = self._role(data["deal_role"])
        removed = {
            "deal": self.deal.pk,
            "contact": role.contact_id,
            "name": role.contact.full_name,
            "role": role.role,
            "stance": role.stance,
            "is_primary": role.is_primary,
            "last_engaged_on": role.last_engaged_on.isoformat() if role.last_engaged_on else None,
        }
        deal_role_delete(workspace=self.workspace, deal_role=role)
        self.redirect_query = {"undo": signing.dumps(removed, salt=UNDO_SALT)}
        return f"{role.contact.full_name} is no longer {role.get_role_display().lower()}."

    def do_restore_role(self, data) -> str:
        """Put back a role removed a moment ago, as it was (the fields come signed)."""
        try:
            fields = signing.loads(data["token"], salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
        except signing.BadSignature:
            raise ValidationError("This undo has expired or is not valid.") from None
        if fields.get("deal") != self.deal.pk:
            raise ValidationError("This undo is for another deal.")
        contact = contact_list(workspace=self.workspace).filter(pk=fields["contact"]).first()
        if contact is None:
            raise ValidationError("That contact no longer exists.")
        last_engaged = fields.get("last_engaged_on")
        deal_role_create(
            workspace=self.workspace,
            deal=self.deal,
            contact=contact,
            role=fields["role"],
            stance=fields["stance"],
            is_primary=bool(fields.get("is_primary")),
            last_engaged_on=dt.date.fromisoformat(last_engaged) if last_engaged else None,
        )
        return f"{contact.full_name} is back as {ROLE_LABELS[fields['role']].lower()}."

    def do_details(self, data) -> str:
        owner_id = data.get("owner")
        changes = {
            "name": data["name"].strip(),
            "amount": data["amount"],
            "close_date": data["close_date"],
            "owner": self.members().get(owner_id) if owner_id else None,
        }
        if "stage" in data:  # open deals only; closing goes through the close form
            changes["stage"] = data["stage"]
        deal_update(workspace=self.workspace, deal=self.deal, **changes)
        return "Deal updated."

    def do_add_advocacy(self, data) -> str:
        advocate, audience = self._contact(data["advocate"]), self._contact(data["audience"])
        if advocacy_exists(advocate=advocate, audience=audience):
            raise ValidationError(
                f"{advocate.full_name} already advocates to {audience.full_name}."
            )
        advocacy_create(
            workspace=self.workspace, advocate=advocate, audience=audience, note=data["note"]
        )
        return f"{advocate.full_name} advocates to {audience.full_name}."

    def do_remove_advocacy(self, data) -> str:
        people = self.people(self.deal)
        advocacy = advocacy_get(workspace=self.workspace, pk=data["advocacy"], advocate_ids=people)
        if advocacy is None:
            raise ValidationError("This advocacy edge is not on this deal's map.")
        advocacy_delete(workspace=self.workspace, advocacy=advocacy)
        return f"Removed: {advocacy.advocate.full_name} → {advocacy.audience.full_name}."

    def do_reports_to(self, data) -> str:
        contact = self._contact(data["contact"])
        boss = self._contact(data["reports_to"]) if data.get("reports_to") else None
        contact_update(workspace=self.workspace, contact=contact, reports_to=boss)
        if boss is None:
            return f"{contact.full_name} reports to nobody on the map."
        return f"{contact.full_name} reports to {boss.full_name}."

    def do_has_left(self, data) -> str:
        contact = self._contact(data["contact"])
        contact_update(workspace=self.workspace, contact=contact, has_left=data["has_left"])
        if data["has_left"]:
            return f"{contact.full_name} is marked as having left the company."
        return f"{contact.full_name} is back at the company."

    def do_scorecard(self, data) -> str:
        status = data["status"] or None
        deal_scorecard_set(
            workspace=self.workspace,
            deal=self.deal,
            items=[{"key": data["key"], "status": status, "note": data["note"]}],
            user=self.request.user,  # type: ignore[arg-type]  # annotated/values() rows typed as TypedDicts by the stubs
        )
        return "Scorecard updated."

    def do_close(self, data) -> str:
        if self.deal.is_closed:
            raise ApplicationError(f"This deal is already {self.deal.get_stage_display().lower()}.")
        changes = f.close_changes(data)
        deal_update(
            workspace=self.workspace,
            deal=self.deal,
            stage=changes["stage"],
            close_date=changes["close_date"],
            loss_reason=changes["loss_reason"],
            loss_notes=changes["loss_notes"],
            competitor=changes.get("competitor", UNSET),  # kept unless one is named
        )
        return f"Deal closed as {self.deal.get_stage_display().lower()}."
