"""Accounts: upserted by external id; empty text cells clear, empty choice cells keep."""

from accounts_app.models import Account
from crm_app.ingest.parsing import Parsed, RowParser
from crm_app.ingest.recognition import ACCOUNT
from crm_app.ingest.writers.base import ACCOUNT_FIELDS, NOT_NULL_CHOICES, Upsert, Writer


class AccountWriter(Writer):
    kind = ACCOUNT

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        fields = [f for f in ACCOUNT_FIELDS if f in parser.getters]
        existing = {
            a.external_id: a
            for a in Account.all_objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            ).only("id", "external_id", *fields)
        }
        upsert = Upsert(Account, self.tally)
        for parsed in batch:
            data = {f: parsed.values.get(f) for f in fields}
            for name in NOT_NULL_CHOICES & data.keys():
                if data[name] is None:
                    data.pop(name)
            for name in ("domain", "industry", "country", "region"):
                if name in data and data[name] is None:
                    data[name] = ""
            obj = existing.get(parsed.values["external_id"])
            if obj is None:
                upsert.create(
                    Account(workspace_id=self.ws, external_id=parsed.values["external_id"], **data)
                )
            else:
                upsert.update(obj, data)
        upsert.flush()
