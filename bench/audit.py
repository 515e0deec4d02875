"""The signing-rate audit over a big exchange: how long ``edoc audit`` takes for every agency.

The database is filled with synthetic documents, sent and received, spread over the agencies
(some much busier than others) and evenly over whole months in Vietnam time, each with the
audit entry and error codes edoc would have written for it: about 30 % compliant, half not
(with one to four error codes), the rest indeterminate or never verified; statuses, due
dates and late answers as an exchange sees them. Then the audit of every agency by month
(``build_report``, and the whole ``edoc audit --json`` command) runs three times.
The fill goes through the database driver in bulk (executemany on SQLite, COPY on
PostgreSQL), as no node ever stores documents that fast; it is timed once. After it,
PostgreSQL gets the VACUUM ANALYZE its autovacuum would run on so many new rows; SQLite gets
no ANALYZE, as edoc never runs one.

    .venv/bin/python -m bench.audit [--documents 1000000] [--agencies 60] [--months 24]
        [--database sqlite|postgresql|both] [--keep DIR]

``--keep DIR`` leaves the SQLite workspace in DIR (``edoc audit --home DIR`` reads it);
PostgreSQL runs in a throwaway cluster (``tests/support/postgres.py``) that is always removed.
"""

import argparse
import bisect
import datetime as dt
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, text
from sqlalchemy.engine import Engine

from edoc.audit.entries import due_end, month_of
from edoc.audit.report import AuditReport, Scope, Source, build_report
from edoc.storage.database import DATABASE_URL_ENV, connect, sessions, upgrade
from edoc.storage.models import AuditCode, AuditEntry, Blob, Direction, Document
from edoc.timezone import VIETNAM
from tests.support.postgres import PostgresServer

TARGETS = {"sqlite": 5.0, "postgresql": 3.0}  # seconds, issue 8
RUNS = 3
CHUNK = 10_000  # documents per bulk write
ENVELOPE = "0" * 64  # the one envelope blob every synthetic document points to
#: Error codes of non-compliant signed documents beside the missing signatures, by weight.
ERRORS = {
    "CERT_EXPIRED": 8,
    "VN_ORDER": 6,
    "CERT_UNTRUSTED": 5,
    "VN_SIGNER_MISMATCH": 4,
    "ENV_SIGNATURE": 4,
    "ALG_WEAK_HASH": 3,
    "VN_ORGANISATION_MISMATCH": 2,
    "SIG_MODIFIED": 2,
    "CERT_REVOKED": 1,
    "SIG_INTEGRITY": 1,
}
SUBJECTS = (
    "Về việc triển khai Nghị định 30/2020/NĐ-CP về công tác văn thư",
    "Về việc báo cáo tình hình kinh tế - xã hội tháng",
    "Về việc góp ý dự thảo Thông tư",
    "Về việc mời họp trực tuyến",
)


@dataclass(frozen=True)
class Plan:
    """What to fill: how many documents, over how many agencies and whole months before
    ``now``'s month (Vietnam time), drawn from ``seed``."""

    documents: int
    agencies: int
    months: int
    now: dt.datetime
    seed: int = 8

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of the first month and of ``now``'s month, in UTC."""
        local = self.now.astimezone(VIETNAM)
        end = dt.datetime(local.year, local.month, 1, tzinfo=VIETNAM)
        first = local.year * 12 + local.month - 1 - self.months
        start = dt.datetime(first // 12, first % 12 + 1, 1, tzinfo=VIETNAM)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def organ_ids(self) -> list[str]:
        """Agency ids of the QCVN 102 form, ministries (G) and provinces (H) in turn."""
        if not 0 < self.agencies <= 198:
            raise SystemExit("--agencies must be between 1 and 198")
        return [f"000.00.00.{'GH'[i % 2]}{i // 2 + 1:02d}" for i in range(self.agencies)]


@dataclass
class Filled:
    """Rows written by a fill."""

    documents: int = 0
    entries: int = 0
    codes: int = 0


class Synthetic:
    """The rows of the documents of a plan, in sending order: document, entry, codes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.organ_ids = plan.organ_ids()
        # Busy agencies send and receive many times what quiet ones do (Zipf-like).
        self.weights = list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(plan.agencies)))
        self.errors = list(ERRORS)
        self.error_weights = list(itertools.accumulate(ERRORS.values()))
        self.start, end = plan.span()
        self.step = (end - self.start).total_seconds() / plan.documents
        self.code_ids = itertools.count(1)

    def _agency(self, other_than: str | None = None) -> str:
        while True:
            chosen = self.organ_ids[
                bisect.bisect(self.weights, self.rng.random() * self.weights[-1])
            ]
            if chosen != other_than or self.plan.agencies == 1:
                return chosen

    def rows(self, number: int) -> tuple[dict, dict, list[dict]]:
        """Document ``number`` (its id), its entry (same id) and its codes."""
        rng = self.rng
        at = self.start + dt.timedelta(seconds=(number - 1 + rng.random()) * self.step)
        owner = self._agency()
        other = self._agency(other_than=owner)
        direction = Direction.SENT if rng.random() < 0.5 else Direction.RECEIVED
        verdict, signed, personal, organisation, errors = self._verification()
        local = at.astimezone(VIETNAM).date()
        due_date = local + dt.timedelta(days=rng.randint(5, 30)) if rng.random() < 0.35 else None
        statuses = self._statuses(at)
        document = {
            "id": number,
            "owner_organ_id": owner,
            "direction": direction,
            "document_id": f"bench-{number:08d}",
            "sender_organ_id": owner if direction is Direction.SENT else other,
            "sender_name": "",
            "recipients": [other] if direction is Direction.SENT else [owner],
            "number": str(number % 9999 + 1),
            "notation": f"{number % 9999 + 1}/BENCH",
            "subject": SUBJECTS[number % len(SUBJECTS)],
            "type_name": "Công văn",
            "promulgation_date": local,
            "due_date": due_date,
            "priority": 0,
            "signer_name": "",
            "business_type": 0,
            "envelope_sha256": ENVELOPE,
            "received_at": at + dt.timedelta(seconds=rng.randint(5, 600)),
            "sent_at": at,
            "folder": "outbox" if direction is Direction.SENT else "inbox",
            "status_code": statuses["status_code"],
            "compliant": {"compliant": True, "non_compliant": False}.get(verdict),
            "trace": [],
        }
        month = month_of(at)
        scope = {"organ_id": owner, "direction": direction, "at": at, "month": month}
        entry = {
            "id": number,
            "document_pk": number,
            **scope,
            "verdict": verdict,
            "signed": signed,
            "personal": personal,
            "organisation": organisation,
            "delivered": statuses["delivered"] or direction is Direction.RECEIVED,
            "accepted": statuses["accepted"],
            "returned": statuses["returned"],
            "completed": statuses["completed"],
            "due_at": due_end(due_date),
            "acted_at": statuses["acted_at"],
        }
        codes = [
            {"id": next(self.code_ids), "entry_pk": number, **scope, "code": code}
            for code in errors
        ]
        return document, entry, codes

    def _verification(self) -> tuple[str, bool, bool, bool, list[str]]:
        """Verdict, signed, valid personal and organisation signatures, error codes."""
        draw = self.rng.random()
        if draw < 0.30:
            return "compliant", True, True, True, []
        if draw < 0.40:
            return "indeterminate", True, self.rng.random() < 0.5, self.rng.random() < 0.5, []
        if draw < 0.48:
            return "unverified", False, False, False, []
        if draw < 0.56:
            return "non_compliant", False, False, False, ["VN_NO_SIGNATURE", "VN_SCANNED_ORIGINAL"]
        personal, organisation = self.rng.random() < 0.6, self.rng.random() < 0.5
        codes = {"VN_MISSING_PERSONAL"} if not personal else set()
        codes |= {"VN_MISSING_ORGANISATION"} if not organisation else set()
        for _ in range(self.rng.choice((1, 1, 2, 3)) if codes else self.rng.choice((1, 2, 3))):
            draw = self.rng.random() * self.error_weights[-1]
            codes.add(self.errors[bisect.bisect(self.error_weights, draw)])
        return "non_compliant", True, personal, organisation, sorted(codes)

    def _statuses(self, at: dt.datetime) -> dict:
        """What the statuses of the document say: arrived (01), returned (02), accepted (03),
        completed (06), and when it was first acted on; nothing after ``now``."""
        rng = self.rng
        acted_at = at + dt.timedelta(hours=rng.expovariate(1 / 72))
        if acted_at > self.plan.now or rng.random() < 0.15:
            return dict(status_code="01", delivered=rng.random() < 0.95, accepted=False,
                        returned=False, completed=False, acted_at=None)  # fmt: skip
        returned = rng.random() < 0.05
        completed = not returned and rng.random() < 0.6
        code = "02" if returned else "06" if completed else "03"
        return dict(status_code=code, delivered=True, accepted=not returned, returned=returned,
                    completed=completed, acted_at=acted_at)  # fmt: skip


class Writer:
    """Bulk writes of rows given as dicts, through the database driver (values made ready
    by the columns' own SQLAlchemy types, so they read back as edoc writes them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection = engine.raw_connection()
        if engine.dialect.name == "sqlite":
            cursor = self.connection.cursor()
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB: the indexes grow in memory
            cursor.close()

    def _values(self, table: Table, rows: list[dict]) -> tuple[list[str], Iterator[tuple]]:
        dialect = self.engine.dialect
        names = list(rows[0])
        processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]

        def ready(row: dict) -> tuple:
            return tuple(
                p(v) if p and v is not None else v
                for p, v in zip(processors, row.values(), strict=True)
            )

        return names, map(ready, rows)

    def write(self, table: Table, rows: list[dict]) -> None:
        if not rows:
            return
        names, values = self._values(table, rows)
        cursor = self.connection.cursor()
        columns = ", ".join(names)
        if self.engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(names))
            cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)
        else:
            with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        cursor.close()

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()


def fill(url: str, plan: Plan) -> Filled:
    """Create the schema at ``url`` and write the plan's documents, entries and codes."""
    engine = connect(url)
    upgrade(engine)
    writer = Writer(engine)
    filled = Filled()
    try:
        writer.write(Blob.__table__, [{"sha256": ENVELOPE, "size": 0, "stored_at": plan.now}])
        synthetic = Synthetic(plan)
        for first in range(1, plan.documents + 1, CHUNK):
            documents, entries, codes = [], [], []
            for number in range(first, min(first + CHUNK, plan.documents + 1)):
                document, entry, its_codes = synthetic.rows(number)
                documents.append(document)
                entries.append(entry)
                codes += its_codes
            writer.write(Document.__table__, documents)
            writer.write(AuditEntry.__table__, entries)
            writer.write(AuditCode.__table__, codes)
            writer.commit()
            filled.documents += len(documents)
            filled.entries += len(entries)
            filled.codes += len(codes)
    finally:
        writer.close()
    _after_fill(engine)
    engine.dispose()
    return filled


def _after_fill(engine: Engine) -> None:
    """On PostgreSQL: the id sequences past the ids written, and what autovacuum does to
    freshly loaded tables (statistics, visibility map) done now rather than in a minute."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in ("documents", "audit_entries", "audit_codes"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def audit(url: str) -> AuditReport:
    """The report edoc makes of every agency by month, from a fresh engine."""
    engine = connect(url)
    try:
        return build_report([Source("bench", sessions(engine))], Scope())
    finally:
        engine.dispose()


def total(report: AuditReport) -> int:
    """Documents counted by ``report``, every agency and direction together."""
    return sum(figures.total for figures in report.overall.values())


def edoc_audit() -> list[str]:
    """The ``edoc audit`` command of this environment."""
    return [str(Path(sys.executable).parent / "edoc"), "audit"]


def run_cli(command: list[str], home: Path, url: str) -> None:
    """``edoc audit --home HOME --json`` over ``url``, its report thrown away (exit code 3
    only says that some documents are not compliant)."""
    env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
    if not url.startswith("sqlite"):
        env[DATABASE_URL_ENV] = url
    done = subprocess.run(
        [*command, "--home", str(home), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"edoc audit failed ({done.returncode}): {done.stderr.decode()}")


def timed(call: Callable[[], object], runs: int = RUNS) -> list[float]:
    """Seconds each of ``runs`` calls took."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def bench(kind: str, plan: Plan, home: Path, url: str) -> None:
    """Fill the database at ``url``, check one audit counts every document, time the audit."""
    label = f"{kind}: {plan.documents:,} documents, {plan.agencies} agencies, {plan.months} months"
    print(f"{kind}: filling ({_load()})", flush=True)
    start = time.perf_counter()
    filled = fill(url, plan)
    print(
        f"{kind}: filled {filled.documents:,} documents, {filled.entries:,} entries, "
        f"{filled.codes:,} codes in {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    counted = total(audit(url))
    if counted != filled.documents:
        raise SystemExit(f"{kind}: the audit counted {counted:,} of {filled.documents:,} documents")
    target = f"target < {TARGETS[kind]:g} s"
    print(f"{kind}: timing ({_load()})", flush=True)
    seconds = timed(lambda: audit(url))
    print(f"{label}: build_report {_figures(seconds)} ({target})", flush=True)
    seconds = timed(lambda: run_cli(edoc_audit(), home, url))
    print(f"{label}: edoc audit --json {_figures(seconds)} ({target}; {_load()})", flush=True)


def _figures(seconds: list[float]) -> str:
    return f"{min(seconds):.2f} s (median {statistics.median(seconds):.2f} s of {len(seconds)})"


@contextmanager
def database(kind: str, keep: Path | None) -> Iterator[tuple[Path, str]]:
    """A workspace folder and an empty database of ``kind`` (SQLite in the folder), removed
    afterwards unless ``keep`` names the SQLite workspace."""
    if kind == "sqlite" and keep is not None:
        if (keep / "edoc.sqlite").exists():
            raise SystemExit(f"{keep / 'edoc.sqlite'} exists: keep the bench elsewhere")
        keep.mkdir(parents=True, exist_ok=True)
        yield keep, f"sqlite:///{keep / 'edoc.sqlite'}"
        return
    with tempfile.TemporaryDirectory(prefix="edoc-bench-audit-") as folder:
        home = Path(folder)
        if kind == "sqlite":
            yield home, f"sqlite:///{home / 'edoc.sqlite'}"
        else:
            with PostgresServer() as url:
                yield home, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", type=Path, help="leave the SQLite workspace in this folder")
    args = parser.parse_args()
    plan = Plan(args.documents, args.agencies, args.months, dt.datetime.now(dt.UTC))
    print(f"{os.cpu_count()} cores, {_load()}")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        with database(kind, args.keep) as (home, url):
            bench(kind, plan, home, url)


if __name__ == "__main__":
    main()
