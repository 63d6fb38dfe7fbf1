"""Deals: upserted under their account; IsWon/IsClosed decide won and lost over the stage name."""

from crm_app.ingest.parsing import Parsed, RowParser
from crm_app.ingest.recognition import DEAL
from crm_app.ingest.writers.base import DEAL_FIELDS, Upsert, Writer
from deals_app.models import CLOSED_STAGES, Deal, Stage


class DealWriter(Writer):
    kind = DEAL

    def _stage(self, values: dict) -> str | None:
        """IsWon/IsClosed decide won and lost over the stage name (PRODUCT.md §6)."""
        stage, won, closed = values.get("stage"), values.get("is_won"), values.get("is_closed")
        if closed is True:
            return Stage.CLOSED_WON if won else Stage.CLOSED_LOST
        if won is True:
            return Stage.CLOSED_WON
        if closed is False and stage in CLOSED_STAGES:
            return Stage.DISCOVERY  # the stage name says closed, IsClosed says open
        return stage

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        accounts = self.accounts_for(batch)
        fields = [f for f in DEAL_FIELDS if f in parser.getters]
        staged = bool({"stage", "is_won", "is_closed"} & parser.getters.keys())
        with_loss = "loss_reason" in parser.getters
        existing = {
            d.external_id: d
            for d in Deal.all_objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            )  # whole rows: the history written for changed deals reads every tracked field
        }
        upsert = Upsert(Deal, self.tally)
        for parsed in batch:
            values = parsed.values
            ext = values["external_id"]
            account_id = self.account_id(parser, parsed, accounts)
            if account_id is None:
                continue
            data = {f: values.get(f) for f in fields}
            for name in ("loss_notes", "competitor"):
                if name in data and data[name] is None:
                    data[name] = ""
            data["account_id"] = account_id
            obj = existing.get(ext)
            stage = self._stage(values) if staged else None
            if stage is None:
                stage = obj.stage if obj is not None else (Stage.DISCOVERY if staged else None)
            if stage is not None:
                data["stage"] = stage
            final_stage = data.get("stage", obj.stage if obj else Stage.PROSPECTING)
            if with_loss:
                data["loss_reason"] = (
                    values.get("loss_reason") or "" if final_stage == Stage.CLOSED_LOST else ""
                )
            elif obj is not None and obj.loss_reason and final_stage != Stage.CLOSED_LOST:
                data["loss_reason"] = ""
            created_on = data.get("created_on", obj.created_on if obj else None)
            close_date = data.get("close_date", obj.close_date if obj else None)
            late = bool(created_on and close_date and close_date < created_on)
            # Only the row's own opening date: one already in DealLens is not a load date.
            if late and self.ledger.created_after_close_unknown and "created_on" in data:
                data["created_on"] = None
                self.ledger.notes[
                    "deals opened after their close date (a data migration's load date): "
                    "opening date left unknown"
                ] += 1
                self.warning(
                    parser,
                    parsed,
                    "created_on",
                    str(created_on),  # dates print as ISO 8601
                    f"Opened {created_on}, after its close date {close_date} (a data "
                    "migration's load date?): imported with the opening date unknown, so it is "
                    "left out of cycle times.",
                )
                created_on = None
            if created_on and close_date and close_date < created_on:
                self.problem(
                    parser,
                    parsed,
                    "close_date",
                    close_date.isoformat(),
                    f"Close date {close_date.isoformat()} is before the deal was opened "
                    f"({created_on.isoformat()}).",
                )
                self.mark_unusable(parser, parsed, "a row with errors")
                continue
            if obj is None:
                upsert.create(Deal(workspace_id=self.ws, external_id=ext, **data))
            else:
                upsert.update(obj, data)
        upsert.flush()
