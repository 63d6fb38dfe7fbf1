"""What the HubSpot connector reads out of HubSpot's answers, without a request: stamps, the
records a run already read, error bodies and the roles a deal's contact associations give."""

import json
from datetime import UTC, datetime
from typing import Any


def parse_stamp(value: str) -> datetime:
    """``2024-09-02T00:00:00Z`` or ``…00.123Z`` (or epoch milliseconds) → an aware datetime."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def epoch_ms(value: datetime) -> str:
    return str(int(value.timestamp() * 1000))


def fresh(objects: list[Any], stamp: str, seen: dict[str, str]) -> dict[str, datetime]:
    """id → stamp of the objects not already read at that very stamp (``seen``: a run's
    overlap re-reads the last minutes; skipping those saves their associations' requests)."""
    out = {}
    for obj in objects:
        at = parse_stamp(str((obj.properties or {}).get(stamp)))
        if seen.get(str(obj.id)) != at.isoformat():
            out[str(obj.id)] = at
    return out


def error_of(exc: Any) -> tuple[str, str]:
    """(category, message) of a HubSpot error body ``{"category", "message", …}``."""
    try:
        body = json.loads(exc.body or "{}")
    except (TypeError, ValueError):
        return "", str(exc.body or "")[:200]
    if not isinstance(body, dict):
        return "", str(body)[:200]
    return str(body.get("category") or body.get("errorType") or ""), str(body.get("message", ""))


def unlabelled_contacts(contacts: dict[str, list[Any]]) -> list[str]:
    """The contacts associated with no label: their ``hs_buying_role`` gives the role."""
    return sorted(
        {
            str(t.to_object_id)
            for targets in contacts.values()
            for t in targets
            if not [a for a in t.association_types or [] if a.label]
        }
    )


def role_rows(
    deal_ids: list[str], contacts: dict[str, list[Any]], buying: dict[str, str]
) -> list[dict[str, str]]:
    """One row per role: each label of a deal↔contact association, else each of the contact's
    buying roles (a multiple checkbox, ``;``-separated), else one unknown role."""
    rows = []
    for deal in deal_ids:
        for target in contacts.get(deal, []):
            contact = str(target.to_object_id)
            labels = [
                (f"t{a.type_id}", str(a.label)) for a in target.association_types or [] if a.label
            ]
            if not labels:
                values = [v.strip() for v in buying.get(contact, "").split(";")]
                labels = [(v, v) for v in values if v] or [("other", "")]
            for key, role in dict(labels).items():
                rows.append(
                    {
                        "Id": f"{deal}:{contact}:{key}"[:100],
                        "deal_id": deal,
                        "contact_id": contact,
                        "Role": role,
                    }
                )
    return rows
