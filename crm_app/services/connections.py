"""CRM connections: create, change and delete them, their encrypted credentials, the test.

Credentials are a small JSON object (Salesforce ``client_id`` + ``client_secret``, HubSpot
``access_token``) encrypted with ``common.encryption`` the moment they arrive; only a hint
(``…f3a9``) is kept readable. Nothing here logs or returns them.
"""

import json
import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts_app.models import Workspace
from common import encryption
from common.exceptions import ApplicationError
from common.services import UNSET, Unset, check_owned, given, save_validated
from crm_app.connectors.base import Connector, ConnectorError
from crm_app.connectors.hubspot import HubSpotConnector
from crm_app.connectors.salesforce import FIELD_NAME, SalesforceConnector
from crm_app.models import DEFAULT_INSTANCE_URL, DEFAULT_SEGMENT_FIELDS, CrmConnection, CrmKind

logger = logging.getLogger(__name__)
CREDENTIAL_KEYS = {
    CrmKind.SALESFORCE: ("client_id", "client_secret"),
    CrmKind.HUBSPOT: ("access_token",),
}
SEGMENT_KEYS = ("industry", "size", "region", "infrastructure")


def _credentials_clean(kind: str, credentials: Any) -> dict[str, str]:
    keys = CREDENTIAL_KEYS.get(CrmKind(kind), ())
    if not isinstance(credentials, dict):
        raise ApplicationError(
            f"Credentials must be an object with {', '.join(keys)}.",
            extra={"credentials": [f"Give {', '.join(keys)}."]},
        )
    clean = {key: str(credentials.get(key) or "").strip() for key in keys}
    missing = [key for key, value in clean.items() if not value]
    if missing:
        raise ApplicationError(
            f"Credentials need {', '.join(missing)}.",
            extra={"credentials": [f"{key} is required." for key in missing]},
        )
    return clean


def _segment_fields_clean(kind: str, segment_fields: Any) -> dict[str, str]:
    if segment_fields in (None, ""):
        segment_fields = {}
    if not isinstance(segment_fields, dict):
        raise ApplicationError(
            "segment_fields must be an object.",
            extra={"segment_fields": [f"Keys: {', '.join(SEGMENT_KEYS)}."]},
        )
    unknown = sorted(set(segment_fields) - set(SEGMENT_KEYS))
    problems = [f"{key!r} is not a segment field ({', '.join(SEGMENT_KEYS)})." for key in unknown]
    clean = dict(DEFAULT_SEGMENT_FIELDS[CrmKind(kind)])
    for key in SEGMENT_KEYS:
        if key not in segment_fields:
            continue
        value = str(segment_fields[key] or "").strip()
        if value and not FIELD_NAME.fullmatch(value):
            problems.append(f"{key}: {value!r} is not a CRM field's API name.")
        clean[key] = value
    if problems:
        raise ApplicationError(" ".join(problems), extra={"segment_fields": problems})
    return clean


def _encrypted(credentials: dict[str, str]) -> tuple[str, str]:
    try:
        token = encryption.encrypt(json.dumps(credentials, sort_keys=True))
    except ImproperlyConfigured as exc:
        raise ApplicationError(str(exc)) from exc
    secret = credentials.get("client_secret") or credentials.get("access_token") or ""
    return token, f"…{secret[-4:]}" if len(secret) >= 12 else "…"


def connection_credentials(connection: CrmConnection) -> dict[str, str]:
    """The decrypted credentials, for a connector only (never shown, logged or returned)."""
    if not connection.credentials_encrypted:
        return {}
    try:
        data = json.loads(encryption.decrypt(connection.credentials_encrypted))
    except encryption.SecretUnreadable as exc:
        raise ConnectorError(
            "The stored credentials cannot be decrypted (the encryption key changed): "
            "enter them again."
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


def _next_run_at(connection: CrmConnection) -> Any:
    if not connection.enabled or not connection.schedule_minutes:
        return None
    return timezone.now()


def connection_create(
    *,
    workspace: Workspace,
    user: User | AnonymousUser | None = None,
    kind: str,
    name: str,
    instance_url: str = "",
    credentials: Any,
    segment_fields: Any = None,
    schedule_minutes: int = 15,
    enabled: bool = True,
) -> CrmConnection:
    if kind not in CrmKind.values:
        raise ApplicationError(
            f"kind must be one of {', '.join(CrmKind.values)}.",
            extra={"kind": [f"Choose {' or '.join(CrmKind.values)}."]},
        )
    clean = _credentials_clean(kind, credentials)
    connection = CrmConnection(
        workspace=workspace,
        kind=kind,
        name=name,
        instance_url=_url_clean(instance_url or DEFAULT_INSTANCE_URL[CrmKind(kind)]),
        segment_fields=_segment_fields_clean(kind, segment_fields),
        schedule_minutes=schedule_minutes,
        enabled=enabled,
        created_by=user if isinstance(user, User) else None,
    )
    connection.credentials_encrypted, connection.credentials_hint = _encrypted(clean)
    connection.next_run_at = _next_run_at(connection)
    return save_validated(connection)


def connection_update(
    *,
    connection: CrmConnection,
    workspace: Workspace,
    name: str | Unset = UNSET,
    instance_url: str | Unset = UNSET,
    credentials: Any = UNSET,
    segment_fields: Any = UNSET,
    schedule_minutes: int | Unset = UNSET,
    enabled: bool | Unset = UNSET,
) -> CrmConnection:
    """Change what was given; credentials left out (or empty) stay as they are."""
    check_owned(connection, workspace)
    fields = given(name=name, schedule_minutes=schedule_minutes, enabled=enabled)
    if not isinstance(instance_url, Unset):
        fields["instance_url"] = _url_clean(instance_url)
    if not isinstance(segment_fields, Unset):
        merged = {**connection.segment_fields, **(segment_fields or {})}
        fields["segment_fields"] = _segment_fields_clean(connection.kind, merged)
    if credentials is not UNSET and credentials:
        clean = _credentials_clean(connection.kind, credentials)
        fields["credentials_encrypted"], fields["credentials_hint"] = _encrypted(clean)
        fields["consecutive_failures"], fields["last_error"] = 0, ""
    for key, value in fields.items():
        setattr(connection, key, value)
    schedule_changed = {"schedule_minutes", "enabled"} & fields.keys()
    if schedule_changed:
        connection.next_run_at = _next_run_at(connection)
    return save_validated(connection)


def connection_delete(*, connection: CrmConnection, workspace: Workspace) -> None:
    """Deletes the connection with its runs and marks; the records it synced stay."""
    check_owned(connection, workspace)
    connection.delete()


def connector_for(connection: CrmConnection, **options: Any) -> Connector:
    credentials = connection_credentials(connection)
    if connection.kind == CrmKind.SALESFORCE:
        return SalesforceConnector(connection.instance_url, credentials, **options)
    if connection.kind == CrmKind.HUBSPOT:
        return HubSpotConnector(connection.instance_url, credentials, **options)
    raise ConnectorError(f"{connection.get_kind_display()} sync is not available.")


def connection_test(*, connection: CrmConnection, workspace: Workspace) -> tuple[bool, str]:
    """One cheap call to the CRM: (ok, a sentence a person can act on)."""
    check_owned(connection, workspace)
    try:
        # One try: a person is waiting for the answer (a sync retries; a test tells).
        connector = connector_for(connection, attempts=1)
        return True, connector.check()
    except ConnectorError as exc:
        return False, str(exc)


def credentials_rotate() -> int:
    """Re-encrypt every connection's credentials with the newest key; returns how many."""
    done = 0
    with transaction.atomic():
        for connection in CrmConnection.objects.select_for_update().exclude(
            credentials_encrypted=""
        ):
            if encryption.is_current(connection.credentials_encrypted):
                continue
            rotated = encryption.rotate(connection.credentials_encrypted)
            CrmConnection.objects.filter(pk=connection.pk).update(credentials_encrypted=rotated)
            done += 1
    return done


def _url_clean(instance_url: str) -> str:
    """The CRM's https address without a trailing slash (credentials never travel in clear)."""
    url = instance_url.strip().rstrip("/")
    if not url.startswith("https://"):
        raise ApplicationError(
            "The instance URL must start with https://.",
            extra={"instance_url": ["Use the https:// address of the CRM."]},
        )
    return url
