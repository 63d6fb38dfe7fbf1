"""Helpers the sync tests share: run a sync the way the command does, pick records."""

from crm_app.services.sync import sync_run_execute, sync_run_request


def sync(connection, full=False):
    """One run, synchronously, as ``sync_crm`` runs it; returns the finished SyncRun."""
    run, _ = sync_run_request(
        connection=connection, workspace=connection.workspace, full=full, send=False
    )
    return sync_run_execute(run_id=run.pk)


def changed(run, sobject):
    """(created, updated, deleted) of one object type in a run."""
    c = run.counts.get(sobject, {})
    return c.get("created", 0), c.get("updated", 0), c.get("deleted", 0)


def first_id(fake, sobject, **match):
    """The Id of the first stored record whose fields equal ``match``."""
    for record_id, record in fake.store.records[sobject].items():
        if not record["IsDeleted"] and all(record.get(k) == v for k, v in match.items()):
            return record_id
    raise LookupError(f"no {sobject} with {match}")
