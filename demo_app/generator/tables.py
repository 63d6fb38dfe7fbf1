"""The tables the demo generator fills, with the columns of its row tuples, in insert order."""

from accounts_app.models import Account
from deals_app.models import ActionItem, BusinessCase, Conversation, Deal, DealRole
from insights_app.models import Evidence, FeatureMention
from personas_app.models import Advocacy, Contact

from .writers import Table

ACCOUNTS = Table(
    Account,
    (
        "id", "name", "domain", "external_id", "industry", "employee_count", "annual_revenue",
        "country", "region", "deployment_model", "infrastructure", "lifecycle",
    ),
)  # fmt: skip
# Within an account a manager always comes before the people reporting to them (SQLite's
# trigger checks reports_to when a row is inserted).
CONTACTS = Table(
    Contact,
    (
        "id", "account_id", "first_name", "last_name", "title", "email", "department",
        "seniority", "persona_id", "reports_to_id", "external_id", "has_left",
    ),
)  # fmt: skip
ADVOCACIES = Table(Advocacy, ("advocate_id", "audience_id", "note"))
DEALS = Table(
    Deal,
    (
        "id", "account_id", "name", "stage", "amount", "created_on", "close_date", "owner_id",
        "loss_reason", "loss_notes", "competitor", "cost_of_sale", "external_id",
    ),
)  # fmt: skip
# external_id: the CRM's contact-role id (none for demo roles); COPY names every column it fills
# and the column has no database default, so it is written as "".
DEAL_ROLES = Table(
    DealRole,
    ("deal_id", "contact_id", "role", "is_primary", "stance", "last_engaged_on", "external_id"),
)
BUSINESS_CASES = Table(BusinessCase, ("deal_id", "metric", "description", "estimated_annual_value"))
CONVERSATIONS = Table(
    Conversation,
    (
        "id", "account_id", "deal_id", "occurred_on", "kind", "logged_by_id", "title", "notes",
        "duration_minutes", "sentiment", "stated_reason",
    ),
)  # fmt: skip
PARTICIPANTS = Table(
    Conversation.participants.through, ("conversation_id", "contact_id"), owned=False
)
CONVERSATION_TAGS = Table(Conversation.tags.through, ("conversation_id", "tag_id"), owned=False)
ACTION_ITEMS = Table(ActionItem, ("conversation_id", "text", "owner_id", "due_on", "done"))
EVIDENCE = Table(Evidence, ("assumption_id", "conversation_id", "verdict", "quote"))
FEATURE_MENTIONS = Table(
    FeatureMention,
    ("feature_id", "account_id", "deal_id", "conversation_id", "importance", "quote"),
)

IN_ORDER = (
    ACCOUNTS,
    CONTACTS,
    ADVOCACIES,
    DEALS,
    DEAL_ROLES,
    BUSINESS_CASES,
    CONVERSATIONS,
    PARTICIPANTS,
    CONVERSATION_TAGS,
    ACTION_ITEMS,
    EVIDENCE,
    FEATURE_MENTIONS,
)


class Batch:
    """Rows for a slice of accounts, one list per table."""

    def __init__(self):
        self.rows: dict[Table, list[tuple]] = {table: [] for table in IN_ORDER}
        self.accounts = 0
        self.needs = 0  # this batch refers to rows of batches 1..needs

    def __getitem__(self, table: Table) -> list[tuple]:
        return self.rows[table]

    def items(self):
        return self.rows.items()
