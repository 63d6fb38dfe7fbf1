"""manage.py import_crm: counts on stdout, the report on stderr, non-zero exit on failure."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from crm_app.models import ImportJob
from deals_app.models import Deal
from tests.fixtures.imports.support import acceptance_dir, write_csv

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HUBSPOT = ROOT / "tests" / "fixtures" / "imports" / "hubspot"


def test_the_command_imports_and_prints_counts(workspace, capsys):
    call_command("import_crm", "--workspace", workspace.slug, *map(str, HUBSPOT.glob("*.csv")))
    out, err = capsys.readouterr()
    assert "Deals: 4 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "deals.csv: HubSpot deals export → Deals, 4 row(s)" in err
    assert ImportJob.objects.get().state == "succeeded"


def test_the_command_refuses_bad_rows(workspace, tmp_path, capsys):
    bad = write_csv(
        tmp_path / "Opportunity.csv",
        ["Id", "AccountId", "Name", "StageName"],
        [["O1", "nope", "Deal", "Prospecting"]],
    )
    with pytest.raises(CommandError, match="refused: 1 problem"):
        call_command("import_crm", "--workspace", workspace.slug, str(bad))
    _, err = capsys.readouterr()
    assert "Opportunity.csv line 2, column AccountId, value 'nope': No account with id nope" in err
    assert Deal.objects.count() == 0


def test_the_command_takes_a_json_mapping(workspace, tmp_path, capsys):
    data = write_csv(tmp_path / "customers.csv", ["code", "company"], [["C1", "Acme"]])
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "customers.csv": {
                    "kind": "account",
                    "columns": {"external_id": "code", "name": "company"},
                }
            }
        )
    )
    call_command("import_crm", "--workspace", workspace.slug, str(data), "--mapping", str(mapping))
    assert "Accounts: 1 created" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["--workspace", "nobody", "x.csv"],
        ["--workspace", "acme", "/no/such/file.csv"],
    ],
)
def test_bad_arguments_are_command_errors(workspace, args):
    with pytest.raises(CommandError):
        call_command("import_crm", *args)


@pytest.mark.django_db(transaction=True)
def test_exit_codes_of_the_real_process(workspace):
    """The process itself: 0 when imported, 1 when refused. It opens the test database by
    itself, so this runs on PostgreSQL (CI); an in-memory SQLite database is not shared."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a child process cannot open the in-memory SQLite test database")
    db = connection.settings_dict
    env = {
        "DJANGO_DEBUG": "true",
        "PATH": "/usr/bin:/bin",
        "REDIS_URL": "",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    sf = acceptance_dir() / "salesforce_cpq_demo_export"
    ok = manage(
        "import_crm",
        "--workspace",
        workspace.slug,
        str(sf / "Opportunity.csv"),
        str(sf / "Account.csv"),
    )
    assert ok.returncode == 0, ok.stderr
    assert "Deals: 741 created" in ok.stdout
    refused = manage(
        "import_crm", "--workspace", workspace.slug, str(sf / "OpportunityContactRole.csv")
    )
    assert refused.returncode == 1
    assert "No contact with id" in refused.stderr
    assert refused.stdout == ""
