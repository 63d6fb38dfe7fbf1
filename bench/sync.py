"""Benchmark: the live CRM sync (PRODUCT.md §9, §11) against a local fake Salesforce or HubSpot.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deallens_bench \\
        .venv/bin/python bench/sync.py [--crm salesforce|hubspot] [--changed 10000] \\
        [--compare 2000]

(``make bench`` runs both; ``make bench-small`` runs them with ``--changed 1000 --compare 200``
and writes nothing.) PostgreSQL only.

1. Starts the fake CRM (tests/crm_support, a local HTTPS server loaded with the real export of
   shared/acceptance_data) in this process: ``FakeSalesforce`` answering the Salesforce REST
   shapes, or ``FakeHubSpot`` answering the HubSpot CRM API with HubSpot's own rate limit
   (100 requests per 10 s, 429 beyond) while the sync paces itself with its production
   defaults. Empties the workspace ``bench-sync`` (``bench-sync-hubspot``; ``--workspace``)
   and connects it to the fake.
2. Runs, each in a child process set up like a worker (``DJANGO_DEBUG=false``, no broker) that
   runs ``sync_run_execute`` once and reports its wall time and its peak resident set (VmHWM),
   with its size before the run:
   - the first sync (the whole export: 185 accounts, 701 contacts, 741 opportunities, 42
     contact roles; in HubSpot 42 deal↔contact associations);
   - a run with nothing changed since;
   - after ``advance(minutes=10)``, ``--compare`` changed records (default 2,000), then after
     another ten minutes ``--changed`` records (default 10,000): 20 % accounts, 40 % contacts,
     30 % opportunities, 10 % contact roles (HubSpot: new labelled deal↔contact
     associations), of each a quarter updates of records DealLens already holds and the rest
     new ones (contacts, opportunities and roles point at existing and new parents); the peaks
     of the two show whether memory stays flat;
   - the run after that, with nothing changed in the CRM (it reads the overlap window again).
   API requests are the run's own count (``SyncRun.requests``), checked against the fake's
   log; the fake's own time to answer is reported beside the wall time (it shares the
   machine's two cores with the sync and PostgreSQL).
3. Prints a table and, unless ``--no-write``, writes the section "CRM sync" (HubSpot: "CRM
   sync (HubSpot)") of docs/benchmarks.md. Targets (PRODUCT.md §9): nothing changed ≤ 2 s and
   ≤ 2 requests per object type (plus one sign-in; HubSpot: plus the pipelines); 10,000
   changed records ≤ 60 s, worker ≤ 250 MB.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
DOC = ROOT / "docs" / "benchmarks.md"
UPDATED_SHARE = 0.25  # of each type's records, this share are updates of existing ones
# PRODUCT.md §9
UNCHANGED_S = 2.0
CHANGED_S = 60.0
PEAK_MB = 250.0
FLAT_MB = 10.0  # "flat": the 10,000-record peak within this of the 2,000-record peak


def say(*parts) -> None:
    print(*parts, flush=True)


def high_water_mb() -> float:
    """This process's peak resident set. VmHWM belongs to the running program; ru_maxrss would
    also count the parent's size at fork (Linux carries it over exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return int(match.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the CRMs: what differs between them ---------------------------------------------------------


class Crm:
    """What a CRM's benchmark may change; the defaults suit a fake without a rate limit."""

    extra_requests = 1  # besides two per object type: the sign-in, or HubSpot's pipelines

    def __init__(self, args):
        pass

    def started(self, fake) -> None:
        """Set up the running fake."""

    def child_env(self, fake) -> dict:
        """Environment of the worker-like child, beyond the shared settings."""
        return {}

    def refused(self, fake) -> int | None:
        """Requests the fake has refused with 429 so far; None: it enforces no limit."""
        return None

    def noun(self, name: str) -> str:
        """An object type as the section names it."""
        return name


class Salesforce(Crm):
    """The fake org: FakeSalesforce and the changes made in it."""

    name = "Salesforce"
    section = "## CRM sync"
    after = r"## CRM import"  # where the section goes the first time
    workspace = "bench-sync"
    fake_name = "fake org"
    command = "bench/sync.py"
    # Of every batch of changed records: the share of each object type (in the order they sync).
    shares = (
        ("Account", 0.2),
        ("Contact", 0.4),
        ("Opportunity", 0.3),
        ("OpportunityContactRole", 0.1),
    )

    def __init__(self, args):
        self.page_size = args.page_size

    def fake(self):
        from tests.crm_support.salesforce_server import FakeSalesforce

        return FakeSalesforce(page_size=self.page_size)

    def connect(self, workspace, sf):
        from crm_app.services.connections import connection_create

        return connection_create(
            workspace=workspace,
            kind="salesforce",
            name="Fake org (bench)",
            instance_url=sf.url,
            credentials={"client_id": sf.client_id, "client_secret": sf.client_secret},
        )

    def export(self, sf) -> dict:
        return {t: len(sf.store.records[t]) for t, _ in self.shares}

    def agree(self, sf, workspace_id: int) -> list[str]:
        """Where DealLens and the org differ after a run: live records per type (by CRM id),
        the sum of the opportunities' amounts and of the accounts' head counts (which the
        updates change). Empty when they agree."""
        from django.db.models import Sum

        live = {
            sobject: [r for r in records.values() if not r["IsDeleted"]]
            for sobject, records in sf.store.records.items()
        }
        ours = _synced(workspace_id)
        ours = dict(zip([t for t, _ in self.shares], ours.values(), strict=True))
        differences = []
        for sobject, queryset in ours.items():
            theirs, mine = len(live[sobject]), queryset.count()
            if theirs != mine:
                differences.append(f"{sobject}: {theirs:,} in the org, {mine:,} in DealLens")
        amounts = round(sum(r["Amount"] or 0 for r in live["Opportunity"]), 2)
        summed = ours["Opportunity"].aggregate(s=Sum("amount"))["s"] or 0
        if abs(float(summed) - amounts) > 0.005:
            differences.append(
                f"opportunity amounts: {amounts:,.2f} in the org, {summed:,.2f} here"
            )
        heads = sum(r["NumberOfEmployees"] or 0 for r in live["Account"])
        counted = ours["Account"].aggregate(s=Sum("employee_count"))["s"] or 0
        if heads != counted:
            differences.append(f"account head counts: {heads:,} in the org, {counted:,} here")
        return differences

    def make_changes(self, sf, n: int, rng: random.Random) -> dict:
        """n changed records in the fake org, stamped with its clock: per type a quarter
        updates of live records and the rest new ones. Returns {type: {"updated": u,
        "created": c}}."""
        plan: dict[str, dict[str, int]] = {}
        for sobject, share in self.shares:
            total = round(n * share)
            live = [i for i, r in sf.store.records[sobject].items() if not r["IsDeleted"]]
            ids = rng.sample(live, min(len(live), round(total * UPDATED_SHARE)))
            for record_id in ids:
                fields = self._changed_fields(sobject, sf.record(sobject, record_id), rng)
                sf.update(sobject, record_id, **fields)
            if sobject == "OpportunityContactRole":
                self._add_roles(sf, total - len(ids), rng)
            else:
                sf.add_many(sobject, total - len(ids))
            plan[sobject] = {"updated": len(ids), "created": total - len(ids)}
        return plan

    def _add_roles(self, sf, n: int, rng: random.Random) -> None:
        """n new contact roles, each on an opportunity and contact that have none together yet
        and not primary (Salesforce keeps one primary per opportunity): each one a new
        DealLens role."""
        live = {
            sobject: [i for i, r in sf.store.records[sobject].items() if not r["IsDeleted"]]
            for sobject in ("Opportunity", "Contact")
        }
        taken = {
            (r["OpportunityId"], r["ContactId"])
            for r in sf.store.records["OpportunityContactRole"].values()
            if not r["IsDeleted"]
        }
        roles = ["Decision Maker", "Economic Buyer", "Technical Buyer", "User", "Influencer"]
        added = 0
        while added < n:
            pair = (rng.choice(live["Opportunity"]), rng.choice(live["Contact"]))
            if pair in taken:
                continue
            taken.add(pair)
            sf.add(
                "OpportunityContactRole",
                OpportunityId=pair[0],
                ContactId=pair[1],
                Role=rng.choice(roles),
                IsPrimary=False,
            )
            added += 1

    @staticmethod
    def _changed_fields(sobject: str, record: dict, rng: random.Random) -> dict:
        """Fields that DealLens reads, changed so the record is an update there too."""
        if sobject == "Account":
            employees = (record.get("NumberOfEmployees") or 0) + rng.randint(1, 50)
            return {"NumberOfEmployees": employees}
        if sobject == "Contact":
            titles = ["CFO", "VP Engineering", "Head of IT", "Procurement Lead", "CTO", "COO"]
            return {"Title": rng.choice([t for t in titles if t != record.get("Title")])}
        if sobject == "Opportunity":
            return {"Amount": float((record.get("Amount") or 0) + rng.randint(1, 90) * 1000)}
        roles = ["Decision Maker", "Economic Buyer", "Technical Buyer", "User", "Influencer"]
        return {"Role": rng.choice([r for r in roles if r != record.get("Role")])}

    # -- the section's CRM-specific paragraphs --

    def about_fake(self, f: dict, export: str) -> str:
        return f"""\
The org is `FakeSalesforce` (tests/crm_support), a local HTTPS server answering the Salesforce
REST shapes, {f["page_size"]:,} records per query page, loaded with the real export:

> {export}.

It runs in the benchmark's own process, on the same cores as the sync and PostgreSQL. Each run
is `sync_run_execute` in a child process set up like a worker (`DJANGO_DEBUG=false`)."""

    def mix_line(self, name: str, p: dict) -> str:
        return f"- {p['created'] + p['updated']:,} {name}, {p['updated']:,} of them updates"

    def about_changes(self, f: dict) -> str:
        return """\
New contacts, opportunities and roles point at existing and new
parents; a changed role is counted as created (DealLens replaces the role), and a new CRM role
name that means the same DealLens role as the old one as unchanged. After every run DealLens
holds what the org holds: the live records of each type by CRM id, the sum of the
opportunities' amounts and of the accounts' head counts (which the updates change). Every run
counted its own requests (`SyncRun.requests`), equal to the fake org's log."""

    def about_unchanged(self) -> str:
        return """\
"Nothing changed" reads each object type's changes and deletions since its mark (one
query each, plus the sign-in); the marks step back five minutes for clock skew
(`CRM_SYNC_OVERLAP_SECONDS`), so the run just after a burst reads the burst again and finds it
unchanged (last line)."""


class HubSpot(Crm):
    """The fake portal: FakeHubSpot with HubSpot's rate limit, and the changes made in it."""

    name = "HubSpot"
    section = "## CRM sync (HubSpot)"
    after = r"## CRM sync(?::[^\n]*)?"  # after the Salesforce sections
    workspace = "bench-sync-hubspot"
    fake_name = "fake portal"
    command = "bench/sync.py --crm hubspot"
    shares = (
        ("companies", 0.2),
        ("contacts", 0.4),
        ("deals", 0.3),
        ("deal_contacts", 0.1),  # new labelled deal↔contact associations
    )
    rate_limit = (100, 10.0)  # HubSpot's own: a private app's requests per rolling 10 s
    batch = 100  # records sharing one stamp (a bulk edit or import), a second apart
    labels = ("Economic buyer", "Champion", "End user", "Decision maker")
    updated_property = {"companies": "numberofemployees", "contacts": "jobtitle", "deals": "amount"}

    def __init__(self, args):
        # The benchmark measures the production pacing, whatever the shell says.
        for key in [k for k in os.environ if k.startswith("DEALLENS_CRM_HUBSPOT_")]:
            del os.environ[key]

    def fake(self):
        from tests.crm_support.hubspot_server import FakeHubSpot

        return FakeHubSpot()

    def started(self, hs) -> None:
        hs.rate_limit = self.rate_limit

    def refused(self, hs) -> int | None:
        return hs.rate_limited

    def noun(self, name: str) -> str:
        return "deal↔contact associations" if name == "deal_contacts" else name

    def connect(self, workspace, hs):
        from crm_app.services.connections import connection_create

        return connection_create(
            workspace=workspace,
            kind="hubspot",
            name="Fake portal (bench)",
            instance_url=hs.url,
            credentials={"access_token": hs.access_token},
        )

    def export(self, hs) -> dict:
        out = {t: len(hs.ids(t)) for t in ("companies", "contacts", "deals")}
        out["deal_contacts"] = sum(len(c) for c in hs.portal.deal_contacts.values())
        return out

    def agree(self, hs, workspace_id: int) -> list[str]:
        """Where DealLens and the portal differ after a run: live companies, contacts and deals
        by HubSpot id, the sum of the deals' amounts (to the cent, as DealLens keeps them) and
        of the companies' head counts, and the roles: one per association label, else one per
        value of the contact's hs_buying_role, else one. Empty when they agree."""
        from django.db.models import Sum

        ours = _synced(workspace_id)
        live = {t: hs.ids(t) for t in ("companies", "contacts", "deals")}
        differences = []
        for hs_type, ids in live.items():
            theirs = set(ids)
            mine = set(ours[hs_type].values_list("external_id", flat=True))
            if theirs != mine:
                differences.append(
                    f"{hs_type}: {len(theirs):,} in the portal, {len(mine):,} in DealLens "
                    f"({len(theirs - mine):,} missing, {len(mine - theirs):,} extra)"
                )
        records = {t: {i: hs.object(t, i).properties for i in ids} for t, ids in live.items()}
        amounts = round(
            sum(round(float(p["amount"] or 0), 2) for p in records["deals"].values()), 2
        )
        summed = ours["deals"].aggregate(s=Sum("amount"))["s"] or 0
        if abs(float(summed) - amounts) > 0.005:
            differences.append(f"deal amounts: {amounts:,.2f} in the portal, {summed:,.2f} here")
        heads = sum(int(float(p["numberofemployees"] or 0)) for p in records["companies"].values())
        counted = ours["companies"].aggregate(s=Sum("employee_count"))["s"] or 0
        if heads != counted:
            differences.append(f"company head counts: {heads:,} in the portal, {counted:,} here")
        roles = 0
        for deal, contacts in hs.portal.deal_contacts.items():
            for contact, labels in contacts.items():
                if deal in records["deals"] and contact in records["contacts"]:
                    buying = records["contacts"][contact].get("hs_buying_role") or ""
                    roles += len(labels) or len([v for v in buying.split(";") if v]) or 1
        mine_roles = ours["roles"].count()
        if roles != mine_roles:
            differences.append(f"roles: {roles:,} from the portal, {mine_roles:,} in DealLens")
        return differences

    def make_changes(self, hs, n: int, rng: random.Random) -> dict:
        """n changed records in the fake portal, in runs of ``batch`` sharing a stamp a second
        apart: per type a quarter updates of live records and the rest new ones; the
        associations all new. Returns {type: {"updated": u, "created": c}}."""
        plan: dict[str, dict[str, int]] = {}
        for hs_type, share in self.shares:
            total = round(n * share)
            if hs_type == "deal_contacts":
                self._associate(hs, total, rng)
                plan[hs_type] = {"updated": 0, "created": total}
                continue
            live = hs.ids(hs_type)
            ids = rng.sample(live, min(len(live), round(total * UPDATED_SHARE)))
            for at, hs_id in enumerate(ids):
                if at % self.batch == 0:
                    hs.advance(seconds=1)
                hs.update(hs_type, hs_id, **self._changed(hs_type, hs.object(hs_type, hs_id), rng))
            # Generated contacts belong to a random live company (associatedcompanyid), deals
            # to one by their primary association: add_many does both.
            for start in range(0, total - len(ids), self.batch):
                hs.advance(seconds=1)
                hs.add_many(hs_type, min(self.batch, total - len(ids) - start))
            plan[hs_type] = {"updated": len(ids), "created": total - len(ids)}
        return plan

    def _associate(self, hs, n: int, rng: random.Random) -> None:
        """n new deal↔contact associations, each a pair not associated yet, with one label:
        each one a new DealLens role (and the deal's stamp moves)."""
        deals, contacts = hs.ids("deals"), hs.ids("contacts")
        taken = {(d, c) for d, cs in hs.portal.deal_contacts.items() for c in cs}
        added = 0
        while added < n:
            pair = (rng.choice(deals), rng.choice(contacts))
            if pair in taken:
                continue
            if added % self.batch == 0:
                hs.advance(seconds=1)
            taken.add(pair)
            hs.associate(*pair, labels=(rng.choice(self.labels),))
            added += 1

    @staticmethod
    def _changed(hs_type: str, obj, rng: random.Random) -> dict:
        """The property the update changes, so the record is an update in DealLens too."""
        p = obj.properties
        if hs_type == "companies":
            return {
                "numberofemployees": int(float(p["numberofemployees"] or 0)) + rng.randint(1, 50)
            }
        if hs_type == "contacts":
            titles = ["CFO", "VP Engineering", "Head of IT", "Procurement Lead", "CTO", "COO"]
            return {"jobtitle": rng.choice([t for t in titles if t != p.get("jobtitle")])}
        return {"amount": float(p["amount"] or 0) + rng.randint(1, 90) * 1000}

    # -- the section's CRM-specific paragraphs --

    def about_fake(self, f: dict, export: str) -> str:
        limit, window = self.rate_limit
        return f"""\
The portal is `FakeHubSpot` (tests/crm_support), a local HTTPS server answering the
HubSpot CRM API (search pages of 200, v4 association batches), loaded with the same export
under HubSpot ids:

> {export}.

It enforces HubSpot's own limit, {limit} requests in any {window:g} s (429 beyond); the sync
runs with its production pacing, {f["pacing"]},
and the portal refused {f["rate_limited"]} of its requests. The portal runs in the benchmark's
own process, on the same cores as the sync and PostgreSQL. Each run is `sync_run_execute` in a
child process set up like a worker (`DJANGO_DEBUG=false`)."""

    def mix_line(self, name: str, p: dict) -> str:
        if name == "deal_contacts":
            return f"- {p['created']:,} new {self.noun(name)}, each with one label"
        return (
            f"- {p['created'] + p['updated']:,} {name}, {p['updated']:,} of them updates "
            f"(`{self.updated_property[name]}`)"
        )

    def about_changes(self, f: dict) -> str:
        labels = ", ".join(f'"{label}"' for label in self.labels)
        return f"""\
Records are added and edited in runs of {self.batch} sharing one stamp, a second apart
(a bulk edit or import; HubSpot stamps to the millisecond). New contacts belong to an existing
or new company (`associatedcompanyid`), new deals to one (their primary association); each new
association joins a deal and a contact not associated yet, labelled one of
{labels}, and moves the deal's stamp.
After every run DealLens holds what the portal holds: the live companies, contacts and deals by
HubSpot id, the sum of the deals' amounts (to the cent, as DealLens keeps them) and of the
companies' head counts, and one role per association label (unlabelled: one per value of the
contact's `hs_buying_role`, else one). Every run counted its own requests (`SyncRun.requests`),
equal to the fake portal's log."""

    def about_unchanged(self) -> str:
        return """\
"Nothing changed" reads the pipelines (the stage map), then for companies, contacts and
deals a search since the mark and the archived list, and for the roles a search each of the
deals and of the contacts changed since their marks. The marks step back five minutes for clock skew
(`CRM_SYNC_OVERLAP_SECONDS`), so the run just after a burst searches the burst again (last
line): a record found at the stamp it was read at is skipped without its associations, for up
to 2,000 records per object type (`SyncMark.edge`); the others are read again with them. The
pacing's waits are in the wall time."""


CRMS = {"salesforce": Salesforce, "hubspot": HubSpot}


def _synced(workspace_id: int) -> dict:
    """DealLens's records that came from the CRM, per kind."""
    from accounts_app.models import Account
    from deals_app.models import Deal, DealRole
    from personas_app.models import Contact

    return {
        kind: model.objects.filter(workspace_id=workspace_id).exclude(external_id="")
        for kind, model in (
            ("companies", Account),
            ("contacts", Contact),
            ("deals", Deal),
            ("roles", DealRole),
        )
    }


# --- the child: one run, as a worker runs it -----------------------------------------------------


def child_main(run_id: int) -> None:
    import django

    django.setup()
    from crm_app.models import SyncRun
    from crm_app.services.sync import sync_run_execute

    SyncRun.objects.filter(pk=run_id).exists()  # the database connection, as a worker holds one
    before = high_water_mb()
    started = time.perf_counter()
    run = sync_run_execute(run_id=run_id)
    seconds = time.perf_counter() - started
    state = run.state if run else "missing"
    say(
        json.dumps(
            {"seconds": seconds, "before_mb": before, "peak_mb": high_water_mb(), "state": state}
        )
    )


def child_env(crm, fake) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "REDIS_URL": "",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        "DEALLENS_CRM_CA_BUNDLE": fake.ca_path,
        **crm.child_env(fake),
    }


# --- the parent ------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: the fake CRM's, while a child syncs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sync_once(label: str, connection, crm, fake) -> dict:
    from crm_app.models import SyncRun
    from crm_app.services.sync import sync_run_request

    fake.reset_log()
    refused = crm.refused(fake)
    run, _ = sync_run_request(connection=connection, workspace=connection.workspace, send=False)
    started, cpu = time.perf_counter(), _cpu_seconds()
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, __file__, "--child", str(run.pk)],
        cwd=ROOT,
        env=child_env(crm, fake),
        capture_output=True,
        text=True,
        check=False,
    )
    process_s, fake_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if done.returncode != 0:
        say(done.stderr[-3000:])
        raise SystemExit(f"the sync child failed with exit code {done.returncode}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    run = SyncRun.objects.get(pk=run.pk)
    counts = {name: dict(c) for name, c in run.counts.items()}
    read = sum(
        sum(c.get(k, 0) for k in ("created", "updated", "unchanged", "skipped"))
        for c in counts.values()
    )
    changed = sum(c.get("created", 0) + c.get("updated", 0) for c in counts.values())
    agreement = crm.agree(fake, connection.workspace_id)
    result = {
        "label": label,
        "agreement": agreement,
        "state": run.state,
        "seconds": round(child["seconds"], 2),
        "process_s": round(process_s, 2),
        "fake_org_s": round(fake_cpu, 2),
        "requests": run.requests,
        "fake_org_requests": fake.request_count(),
        "peak_mb": round(child["peak_mb"], 1),
        "before_mb": round(child["before_mb"], 1),
        "read": read,
        "changed": changed,
        "errors": run.error_count,
        "counts": counts,
        "message": run.message,
    }
    refusals = ""
    if refused is not None:  # 429s from the fake's rate limit during this run
        result["rate_limited"] = crm.refused(fake) - refused
        refusals = f", {result['rate_limited']} refused (429)"
    say(
        f"{label}: {result['seconds']:.2f} s ({crm.fake_name} CPU {result['fake_org_s']:.2f} s), "
        f"{run.requests} requests{refusals}, peak {result['peak_mb']:.0f} MB "
        f"(before {result['before_mb']:.0f} MB); {read:,} read, {changed:,} created or updated, "
        f"{run.error_count} errors; {run.state}"
    )
    for name, c in counts.items():
        say(f"  {name}: " + ", ".join(f"{k} {v:,}" for k, v in c.items() if v))
    return result


def reset_workspace(slug: str):
    from accounts_app.models import Workspace

    Workspace.objects.filter(slug=slug).delete()
    return Workspace.objects.create(slug=slug, name="Sync benchmark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crm", choices=sorted(CRMS), default="salesforce")
    parser.add_argument("--changed", type=int, default=10_000, help="changed records, big run")
    parser.add_argument("--compare", type=int, default=2_000, help="changed records, small run")
    parser.add_argument(
        "--workspace", help="emptied and synced into (bench-sync, bench-sync-hubspot)"
    )
    parser.add_argument(
        "--page-size", type=int, default=2000, help="the fake Salesforce org's query page"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DEALLENS_ENCRYPTION_KEYS"):
        # A throwaway key, shared with the children through the environment.
        from cryptography.fernet import Fernet

        os.environ["DEALLENS_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    if args.child is not None:
        child_main(args.child)
        return 0
    crm = CRMS[args.crm](args)  # before django.setup(): it may set the environment
    slug = args.workspace or crm.workspace

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection as db

    if db.vendor != "postgresql":
        say("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    machine = _machine()
    rng = random.Random(15)
    runs: list[dict] = []
    plans: dict[str, dict] = {}
    phase = time.perf_counter()
    workspace = reset_workspace(slug)
    say(f"workspace {slug}: emptied in {time.perf_counter() - phase:.1f} s")
    phase = time.perf_counter()
    with crm.fake() as fake:
        crm.started(fake)
        say(f"{crm.fake_name} loaded in {time.perf_counter() - phase:.1f} s")
        settings.DEALLENS_CRM_CA_BUNDLE = fake.ca_path
        conn = crm.connect(workspace, fake)
        export = crm.export(fake)
        say(
            f"{crm.fake_name}:",
            ", ".join(f"{v:,} {k}" for k, v in export.items()),
            f"at {fake.url}",
        )
        runs.append(sync_once("first sync (the export)", conn, crm, fake))
        runs.append(sync_once("nothing changed", conn, crm, fake))
        for n in (args.compare, args.changed):
            fake.advance(minutes=10)
            plans[str(n)] = crm.make_changes(fake, n, rng)
            runs.append(sync_once(f"{n:,} changed records", conn, crm, fake))
        runs.append(sync_once(f"the run after the {args.changed:,}", conn, crm, fake))
    figures = {
        "machine": machine,
        "page_size": args.page_size,
        "export": export,
        "changed": args.changed,
        "compare": args.compare,
        "plans": plans,
        "runs": runs,
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "total_s": round(time.perf_counter() - started, 1),
    }
    if isinstance(crm, HubSpot):
        figures["page_size"] = 200  # the connector's search page (the fake takes any)
        figures["rate_limit"] = list(crm.rate_limit)
        figures["rate_limited"] = sum(r["rate_limited"] for r in runs)
        figures["pacing"] = (
            f"{settings.CRM_HUBSPOT_REQUESTS_PER_10S} requests per 10 s and "
            f"{settings.CRM_HUBSPOT_SEARCHES_PER_SECOND} searches per second"
        )
    figures.update(verdicts(figures, crm))
    rows = rows_of(figures)
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    say()
    for what, value, target, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        say(f"{what:<{width}}  {value:<{vwidth}}  {target:<24} {mark}")
    for problem in figures["broken"]:
        say("FAILED:", problem)
    if not args.no_write:
        write_section(render(figures, rows, crm), crm)
        say(f"\nwrote the section '{crm.section[3:]}' of {DOC.relative_to(ROOT)}")
    if args.json:  # for bench/run.py
        say(json.dumps(figures, default=str))
    # With --json the caller (bench/run.py) reports what broke, beside every other figure.
    return 1 if figures["broken"] and not args.json else 0


def verdicts(figures: dict, crm) -> dict:
    """The figures bench/run.py shows, and what did not work at all (wrong counts, errors)."""
    first, unchanged, small, big, after = figures["runs"]
    object_types = len(figures["export"])
    broken = []
    for run in figures["runs"]:
        if run["state"] != "succeeded" or run["errors"]:
            broken.append(f"{run['label']}: {run['state']}, {run['errors']} errors")
        if run["requests"] != run["fake_org_requests"]:
            broken.append(
                f"{run['label']}: the run counted {run['requests']} requests, the "
                f"{crm.fake_name} {run['fake_org_requests']}"
            )
        if run.get("rate_limited"):
            broken.append(
                f"{run['label']}: {run['rate_limited']} requests refused by the "
                f"{crm.fake_name}'s rate limit (the pacing let them through)"
            )
        broken += [f"{run['label']}: {line}" for line in run["agreement"]]
    return {
        "first_s": first["seconds"],
        "unchanged_s": unchanged["seconds"],
        "unchanged_requests": unchanged["requests"],
        "requests_allowed": 2 * object_types + crm.extra_requests,
        "changed_s": big["seconds"],
        "changed_requests": big["requests"],
        "changed_peak_mb": big["peak_mb"],
        "compare_peak_mb": small["peak_mb"],
        "before_mb": big["before_mb"],
        "flat": big["peak_mb"] - small["peak_mb"] <= FLAT_MB,
        "after_s": after["seconds"],
        "broken": broken,
    }


def rows_of(f: dict) -> list[tuple[str, str, str, bool | None]]:
    """(what, measured, target, met) per line; targets judged at 10,000 records only."""
    first, unchanged, small, big, after = f["runs"]
    full = f["changed"] >= 10_000
    allowed = f["requests_allowed"]

    def run_value(run: dict) -> str:
        return f"{run['seconds']:.2f} s, {run['requests']} requests, {run['peak_mb']:.0f} MB"

    rows = [
        (
            f"first sync: the export ({sum(f['export'].values()):,} records)",
            run_value(first),
            "",
            None,
        ),
        (
            "nothing changed",
            f"{unchanged['seconds']:.2f} s, {unchanged['requests']} requests",
            f"≤ {UNCHANGED_S:g} s, ≤ {allowed} requests",
            unchanged["seconds"] <= UNCHANGED_S and unchanged["requests"] <= allowed,
        ),
        (f"{small['label']}", run_value(small), "", None),
        (
            f"{big['label']}",
            run_value(big),
            f"≤ {CHANGED_S:g} s, ≤ {PEAK_MB:g} MB",
            (big["seconds"] <= CHANGED_S and big["peak_mb"] <= PEAK_MB) if full else None,
        ),
        (
            f"peak memory: {f['compare']:,} / {f['changed']:,} changed",
            f"{small['peak_mb']:.0f} / {big['peak_mb']:.0f} MB: "
            f"+{small['peak_mb'] - small['before_mb']:.0f} / "
            f"+{big['peak_mb'] - big['before_mb']:.0f} MB over the process before the run",
            f"flat (within {FLAT_MB:g} MB)",
            f["flat"],
        ),
        (
            f"{after['label']} (overlap read again)",
            f"{after['seconds']:.2f} s, {after['requests']} requests, {after['read']:,} read, "
            f"{after['changed']:,} changed",
            "",
            None,
        ),
    ]
    if "rate_limited" in f:
        total = sum(r["requests"] for r in f["runs"])
        rows.append(
            (
                "requests refused by the rate limit (429)",
                f"{f['rate_limited']} of {total:,}",
                "none",
                f["rate_limited"] == 0,
            )
        )
    return rows


def _machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 (git with our own arguments)
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += "+uncommitted"
    return {
        "cores": os.cpu_count(),
        "postgresql": pg,
        "python": platform.python_version(),
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(f: dict, rows, crm) -> str:
    m = f["machine"]
    table = "\n".join(
        f"| {what} | {value} | {target or '—'} | "
        f"{'—' if ok is None else ('met' if ok else '**missed**')} |"
        for what, value, target, ok in rows
    )
    export = ", ".join(f"{v:,} {crm.noun(k)}" for k, v in f["export"].items())
    export = f"{sum(f['export'].values()):,} records: {export}"
    plan = f["plans"][str(f["changed"])]
    mix = "\n".join(crm.mix_line(name, p) for name, p in plan.items())
    per_run = "\n".join(
        f"| {r['label']} | {r['seconds']:.2f} s | {r['process_s']:.2f} s | "
        f"{r['fake_org_s']:.2f} s | {r['requests']} | {r['peak_mb']:.0f} MB | {r['read']:,} | "
        f"{r['changed']:,} |"
        for r in f["runs"]
    )
    header = (
        f"| run | sync | child process, with start-up | {crm.fake_name} CPU | requests | peak RSS "
        "| records read | created or updated |"
    )
    return f"""\
{crm.section}

`make bench` (`{crm.command}`), measured {m["date"]} at commit `{m["commit"]}`: {m["cores"]}
cores, PostgreSQL {m["postgresql"]}, Python {m["python"]}; load average (1 min)
{f["load_before"]:.1f} before and {f["load_after"]:.1f} after; {f["total_s"]:.0f} s in all.
{crm.about_fake(f, export)}

| what | measured | target (PRODUCT.md §9) | |
|---|---|---|---|
{table}

The {f["changed"]:,} changed records, stamped ten minutes after the run before (the
{f["compare"]:,} in the same shares):

{mix}

{crm.about_changes(f)}

{header}
|---|---|---|---|---|---|---|---|
{per_run}

How it is measured: wall time of `sync_run_execute` in the child; peak memory is that child's
high-water mark (VmHWM), of which {f["before_mb"]:.0f} MB is Django and the app loaded before
the run. {crm.about_unchanged()}
"""


def write_section(text: str, crm) -> None:
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(crm.section)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(doc):
        doc = pattern.sub(lambda _m: text.rstrip("\n") + "\n\n", doc)
    else:  # after the last section crm.after names, or at the end
        after = re.compile(rf"^{crm.after}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
        found = list(after.finditer(doc))
        at = found[-1].end() if found else len(doc)
        doc = doc[:at].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n\n" + doc[at:]
    DOC.write_text(doc.rstrip("\n") + "\n")


if __name__ == "__main__":
    sys.exit(main())
