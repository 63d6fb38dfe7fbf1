"""What the log form's page tests post: an empty set of inline rows and the required fields."""

EMPTY_FORMSETS = {
    f"{prefix}-{key}": value
    for prefix in ("actions", "evidence", "mentions")
    for key, value in (("TOTAL_FORMS", "2"), ("INITIAL_FORMS", "0"))
}


def log_data(**fields) -> dict:
    data = {
        **EMPTY_FORMSETS,
        "occurred_on": "2026-03-02",
        "kind": "discovery",
        "sentiment": "neutral",
        "title": "Call with Initech",
    }
    data.update(fields)
    return data
