"""Fast inserts for the demo data: primary keys handed out up front, rows written in bulk.

The generator builds plain tuples and needs the primary keys of the rows it refers to before
they are written (a deal names its account, a conversation its deal). ``IdAllocator`` hands
them out: from the table's sequence on PostgreSQL, above the highest id elsewhere. A writer
then inserts each batch of tuples: with ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3) and
with ``bulk_create`` on every other database.
"""

import queue
import threading
from collections import Counter, deque
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.db.models import Max, Model
from psycopg import sql


@dataclass(frozen=True)
class Table:
    """A target table: the model and the attnames (``account_id``) of the columns a row holds.

    ``owned`` rows also get the workspace id and the created/updated timestamps, which are the
    same for every row of a run, so the generator does not repeat them.
    """

    model: type[Model]
    fields: tuple[str, ...]
    owned: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label


class IdAllocator:
    """Primary keys for rows that are referred to before they are written."""

    BLOCK = 20_000

    def __init__(self):
        self._free: dict[type[Model], deque[int]] = {}
        self._next: dict[type[Model], int] = {}

    def take(self, model: type[Model]) -> int:
        free = self._free.get(model)
        if not free:
            free = self._free[model] = deque(self._reserve(model, self.BLOCK))
        return free.popleft()

    def _reserve(self, model: type[Model], n: int) -> list[int] | range:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # nextval() is safe beside other writers; gaps left at the end do no harm.
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n]
                )
                return [row[0] for row in cursor.fetchall()]
            # Elsewhere the seed holds the database's write lock (SQLite) while it runs, so the
            # ids above the highest one in use are ours. SQLite never reuses an AUTOINCREMENT id.
            start = self._next.get(model)
            if start is None:
                start = (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    start = max(start, (row[0] if row else 0) + 1)
            self._next[model] = start + n
            return range(start, start + n)


@dataclass
class Writer:
    """Inserts batches of row tuples for one workspace and counts what it wrote."""

    workspace_id: int
    now: object
    counts: dict[str, int] = field(default_factory=dict)

    def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        fields = table.fields
        if table.owned:
            tail = (self.workspace_id, self.now, self.now)
            fields = (*fields, "workspace_id", "created_at", "updated_at")
            rows = [row + tail for row in rows]
        self._insert(table.model, fields, rows)
        self.counts[table.label] = self.counts.get(table.label, 0) + len(rows)

    def _insert(self, model: type[Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
        raise NotImplementedError


class BulkCreateWriter(Writer):
    """The portable path: model instances built from the tuples, inserted with bulk_create."""

    BATCH = 2_000

    def _insert(self, model, fields, rows):
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        # bulk_create stamps auto_now fields itself; the values are the same moment anyway.
        model.objects.bulk_create(objects, batch_size=self.BATCH)


class CopyWriter(Writer):
    """PostgreSQL: COPY FROM STDIN through psycopg 3, an order of magnitude faster."""

    def _insert(self, model, fields, rows):
        opts = model._meta
        columns = [opts.get_field(name).column for name in fields]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(opts.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)


def writer_for_connection(*, workspace_id: int, now) -> Writer:
    cls = CopyWriter if connection.vendor == "postgresql" else BulkCreateWriter
    return cls(workspace_id=workspace_id, now=now)


def bulk_load_settings() -> None:
    """Inside a transaction: do not wait for its commit to reach the disk (PostgreSQL).

    A crash loses at most the last batches of a demo seed, which a rerun recreates.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def write_batch(writer: Writer, batch, before_commit=None) -> None:
    """All tables of one batch in one transaction (a savepoint inside an outer one)."""
    with transaction.atomic():
        bulk_load_settings()
        for table, rows in batch.items():
            writer.write(table, rows)
        if before_commit is not None:
            before_commit()


class Aborted(Exception):
    """An earlier batch failed, so this one is rolled back."""


class SerialSink:
    """Writes each batch as it comes, on the caller's connection."""

    def __init__(self, *, workspace_id: int, now):
        self.writer = writer_for_connection(workspace_id=workspace_id, now=now)
        self.accounts_written = 0

    def put(self, batch) -> None:
        write_batch(self.writer, batch)
        self.accounts_written += batch.accounts

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass

    @property
    def counts(self) -> dict[str, int]:
        return self.writer.counts


class ThreadedSink:
    """Writes batches on worker threads, each with its own connection and transactions.

    On PostgreSQL most of the time of a batch goes into the server checking foreign keys at
    commit; with three writers and the generating main thread both cores stay busy (one
    batch is checked while another is copied and a third generated). The deferred
    checks at commit only see committed rows, so a batch that refers to rows of earlier
    batches (the partners' people) commits only once those are committed; the others commit
    in any order. If a batch fails, the batches that needed it roll back and the run stops.
    """

    def __init__(self, *, workspace_id: int, now, workers: int = 3):
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.turn = threading.Condition()
        self.committed: set[int] = set()
        self.skipped: set[int] = set()
        self.errors: dict[int, BaseException] = {}  # batch number -> what went wrong
        self.accounts_written = 0
        self.stopped = False
        self.sequence = 0
        self.counts: Counter = Counter()
        self.threads = [
            threading.Thread(target=self._work, args=(workspace_id, now), daemon=True)
            for _ in range(workers)
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, workspace_id: int, now) -> None:
        writer = writer_for_connection(workspace_id=workspace_id, now=now)
        try:
            while (item := self.queue.get()) is not None:
                number, batch = item
                if self.errors:  # drain: the run is failing
                    with self.turn:
                        self.skipped.add(number)
                        self.turn.notify_all()
                    continue
                try:
                    write_batch(writer, batch, before_commit=lambda b=batch: self._wait(b.needs))
                except Exception as exc:
                    with self.turn:
                        if not isinstance(exc, Aborted):
                            self.errors[number] = exc
                        self.turn.notify_all()
                    continue
                with self.turn:
                    self.committed.add(number)
                    self.accounts_written += batch.accounts
                    self.turn.notify_all()
        finally:
            with self.turn:
                self.counts.update(writer.counts)
            connections.close_all()  # this thread's connections

    def _wait(self, needs: int) -> None:
        """Hold a commit until batches 1..needs are committed; give up if one of them failed."""
        wanted = set(range(1, needs + 1))

        def lost():
            return wanted & (self.errors.keys() | self.skipped)

        with self.turn:
            self.turn.wait_for(lambda: wanted <= self.committed or lost())
            if lost():
                raise Aborted

    def put(self, batch) -> None:
        if self.errors:
            self.abort()
            raise self.errors[min(self.errors)]
        self.sequence += 1
        self.queue.put((self.sequence, batch))

    def close(self) -> None:
        self.abort()
        if self.errors:
            raise self.errors[min(self.errors)]

    def abort(self) -> None:
        """Stop the workers once they have drained the queue (safe to call twice)."""
        if self.stopped:
            return
        self.stopped = True
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
