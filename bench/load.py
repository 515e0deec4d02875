"""Load on a node served as in production: gunicorn's workers over PostgreSQL, 50 clients.

A node of Văn phòng Chính phủ is prepared in a throwaway PostgreSQL cluster
(``tests/support/postgres.py``): its clerks, and an inbox of documents received from several
agencies (Hà Nội's two-page letter, most with the personal and the agency's signature, the
others with the personal one only; some urgent, some with a due date, some accepted or
returned). The inbox is filled through the node's own receive path, but each of the two
PDFs is verified once and its report stored with every document that carries it: verifying
the same file hundreds of times would only make the fill slow, and the pages read what is
stored either way. gunicorn then serves the node (``web.wsgi:application()``, several workers
of a few threads, on a free loopback port, in a process of its own); the clerks log in, and
the clients (threads, each with its own connection and a clerk's session, as a clerk with
several tabs open) run a mix until the requests are done or the time is up: the inbox list
(pages, search, filters, sorts), the document pages, and new envelopes posted to the node's
receive endpoint with the hub's token, each verified in full by the node (revocation
checked against the test PKI's OCSP server on loopback), some posted again at once or later
as a retrying hub would.

It prints, per endpoint, requests/s, p50, p95 and the longest latency and the errors; then
counts the documents in PostgreSQL: every acknowledged envelope kept once, none lost, none
twice, each answered created once and with one 01 queued back. Exit status 1 on any error,
lost or duplicated document.

    .venv/bin/python -m bench.load [--clients 50] [--requests 2000] [--seconds 120]
        [--documents 300] [--workers 2 x cores + 1] [--threads 4]
"""

import argparse
import datetime as dt
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from sqlalchemy import func, select
from urllib3.util.retry import Retry

from bench.audit import SUBJECTS
from edoc.accounts import add_user
from edoc.agency import AgencyDirectory
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment, StatusCode
from edoc.exchange.actions import act
from edoc.exchange.receive import receive_envelope
from edoc.exchange.runtime import open_node, remember_node
from edoc.server import free_port
from edoc.storage.database import DATABASE_URL_ENV, connect, upgrade
from edoc.storage.models import Direction, Document, StatusEvent, UserRole
from edoc.workspace import Workspace
from fixtures.agencies import HA_NOI, VPCP
from fixtures.pki import TestPKI, build_pki
from fixtures.services import PKIServer
from signing.validation.policy import DEFAULT_POLICY
from signing.validation.verify import verify_document
from tests.support.letters import signed_letter
from tests.support.postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mật-khẩu-tải-thử"
CONTENT_ID = "main"
#: What the clients ask for, by weight: the inbox list, a document page, a new envelope
#: posted to the node, an envelope posted again.
MIX = {"list": 45, "document": 30, "receive": 18, "redeliver": 7}
LOG_PROBLEMS = re.compile(r"Traceback|\[(WARNING|ERROR|CRITICAL)\]")


@dataclass(frozen=True)
class Plan:
    """How hard and how long: clients at once, requests in all, seconds at most; the inbox
    they find (documents, clerks) and how gunicorn serves it."""

    clients: int = 50
    requests: int = 2000
    seconds: float = 120.0
    documents: int = 300
    clerks: int = 10  # each logged in once, for several clients
    workers: int = 2 * (os.cpu_count() or 1) + 1
    threads: int = 4
    seed: int = 9


@dataclass(frozen=True)
class Letters:
    """Hà Nội's letter signed by its deputy chairman only (no agency signature: not
    compliant), and the same with the agency's signature too."""

    personal: bytes
    both: bytes


class Envelopes:
    """Envelopes to the Government Office, one per number (its DocumentId), each from one of
    a few agencies, with the header a clerk would see vary as it does in a real inbox."""

    def __init__(self, seed: int) -> None:
        self.directory = AgencyDirectory.builtin()
        others = [a.organ_id for a in self.directory.all() if a.organ_id != VPCP.organ_id]
        self.senders = [HA_NOI.organ_id, *random.Random(seed).sample(others, 7)]
        self.seed = seed
        self.today = dt.date.today()

    def make(self, number: int, pdf: bytes) -> bytes:
        rng = random.Random(self.seed * 1_000_003 + number)
        date = self.today - dt.timedelta(days=rng.randint(0, 60))
        meta = {
            "from": rng.choice(self.senders),
            "to": [VPCP.organ_id],
            "code": {"number": str(number), "notation": "UBND-VP"},
            "promulgation_date": date.isoformat(),
            "document_type": {"type": 2, "type_name": "Công văn"},
            "subject": f"{rng.choice(SUBJECTS)} (lần {number})",
            "signer": {"full_name": HA_NOI.deputy.full_name, "position": HA_NOI.deputy.position},
            "priority": rng.choice((0, 0, 0, 0, 0, 1, 2)),
        }
        if rng.random() < 0.35:
            meta["due_date"] = (date + dt.timedelta(days=rng.randint(5, 30))).isoformat()
        files = [Attachment(CONTENT_ID, f"{number}-UBND-VP.pdf", "application/pdf", pdf)]
        return build(document_from_metadata(meta, files, self.directory))


@dataclass(frozen=True)
class Inbox:
    """The prepared node's inbox: its documents' keys, who sent them, and a few of their
    envelopes to deliver again."""

    document_pks: list[int]
    senders: list[str]
    again: list[bytes]


def prepare(home: Path, url: str, pki: TestPKI, plan: Plan, letters: Letters) -> Inbox:
    """The node's workspace in ``home`` (trusting the test PKI) on the database at ``url``:
    its clerks and its inbox."""
    trust = home / "pki" / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    for number, anchor in enumerate(pki.trust_anchors):
        pem = anchor.public_bytes(serialization.Encoding.PEM)
        (trust / f"anchor-{number}.pem").write_bytes(pem)
    engine = connect(url)
    upgrade(engine)
    workspace = Workspace(home, engine)
    remember_node(workspace, VPCP.organ_id, None)
    node = open_node(workspace, VPCP.organ_id, DEFAULT_POLICY)  # as the server opens it
    for number in range(plan.clerks):  # each shared by several clients
        add_user(node.sessions, f"vanthu{number:02d}", PASSWORD, VPCP.organ_id, UserRole.CLERK,
                 f"Văn thư {number + 1}")  # fmt: skip
    verified = {
        pdf: {CONTENT_ID: verify_document(pdf, node.policy)}
        for pdf in (letters.personal, letters.both)
    }
    envelopes = Envelopes(plan.seed)

    def receive(number: int) -> tuple[int, bytes]:
        rng = random.Random(plan.seed * 1_000_003 + number)
        pdf = letters.both if rng.random() < 0.8 else letters.personal
        data = envelopes.make(number, pdf)
        document = receive_envelope(node, data, verified=verified[pdf]).document_pk
        if rng.random() < 0.3:
            if verified[pdf][CONTENT_ID].verdict.value == "compliant":
                act(node, document, StatusCode.ACCEPTED, staff="Văn thư")
            else:
                act(node, document, StatusCode.RETURNED, staff="Văn thư",
                    reason="Thiếu chữ ký số của cơ quan")  # fmt: skip
        return document, data

    with ThreadPoolExecutor(4) as pool:
        stored = list(pool.map(receive, range(1, plan.documents + 1)))
    engine.dispose()
    return Inbox([pk for pk, _ in stored], envelopes.senders, [data for _, data in stored[:20]])


@dataclass(frozen=True)
class Request:
    """One request of the mix: an endpoint, a path, and for a post the envelope."""

    endpoint: str
    path: str
    envelope: bytes = b""


def requests_to_make(plan: Plan, inbox: Inbox, letters: Letters) -> list[Request]:
    """The mix, drawn from ``plan.seed``: new envelopes numbered after the inbox's; a
    redelivery is mostly the envelope just posted (two clients at once), else an earlier
    one or one of the inbox's."""
    rng = random.Random(plan.seed)
    envelopes = Envelopes(plan.seed)
    endpoints = rng.choices(list(MIX), weights=list(MIX.values()), k=plan.requests)
    posted: list[bytes] = []
    made = []
    pages = max(1, len(inbox.document_pks) // 25)
    for endpoint in endpoints:
        if endpoint == "list":
            made.append(Request("list", _inbox_query(rng, inbox, pages)))
        elif endpoint == "document":
            made.append(Request("document", f"/documents/{rng.choice(inbox.document_pks)}"))
        elif endpoint == "receive":
            number = len(inbox.document_pks) + len(posted) + 1
            posted.append(envelopes.make(number, letters.both))
            made.append(Request("receive", "/api/v1/messages", posted[-1]))
        else:
            draw = rng.random()
            if posted and draw < 0.6:
                again = posted[-1]
            elif posted and draw < 0.85:
                again = rng.choice(posted)
            else:
                again = rng.choice(inbox.again)
            made.append(Request("redeliver", "/api/v1/messages", again))
    return made


def _inbox_query(rng: random.Random, inbox: Inbox, pages: int) -> str:
    since = dt.date.today() - dt.timedelta(days=rng.randint(1, 30))
    query = rng.choice([
        {},
        {"page": rng.randint(1, pages)},
        {"q": rng.choice(("triển khai", "báo cáo", "góp ý", "mời họp", "UBND-VP", "12"))},
        {"sender": rng.choice(inbox.senders)},
        {"status": rng.choice(("01", "02", "03"))},
        {"urgent": "1"},
        {"compliant": rng.choice(("yes", "no"))},
        {"sort": rng.choice(("due", "priority")), "page": rng.randint(1, 3)},
        {"since": since.isoformat(), "until": dt.date.today().isoformat()},
    ])  # fmt: skip
    return "/?" + urlencode(query) if query else "/"


@dataclass
class Answer:
    """How one request went: its time, why it counts as an error (empty if it does not),
    and for a post the document the node answered with."""

    endpoint: str
    seconds: float
    error: str = ""
    document_pk: int | None = None
    created: bool = False
    started: float = 0.0  # time.perf_counter() when it was sent
    retried: bool = False  # a GET sent again: the kept-alive connection had been closed


def browser(session: requests.Session) -> requests.Session:
    """``session`` keeping its connections alive and, as a browser does, sending a GET
    again on a new connection when the server had just closed the idle one it was sent on
    (a race of every HTTP server with keep-alive; a server that fails answers nothing, and
    its log says so)."""
    again = HTTPAdapter(max_retries=Retry(total=1, allowed_methods=frozenset({"GET"})))
    session.mount("http://", again)
    return session


def _ask(session: requests.Session, base: str, request: Request, hub_token: str) -> Answer:
    start = time.perf_counter()
    try:
        if request.envelope:  # as the hub posts: a connection of its own
            headers = {"Authorization": f"Bearer {hub_token}", "Content-Type": "application/xml"}
            answer = requests.post(base + request.path, data=request.envelope, headers=headers,
                                   timeout=120)  # fmt: skip
        else:
            answer = session.get(base + request.path, allow_redirects=False, timeout=120)
    except requests.RequestException as error:
        return Answer(request.endpoint, time.perf_counter() - start, f"{request.path}: {error}")
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        error = f"{request.path}: {answer.status_code} {answer.text[:200]}"
        return Answer(request.endpoint, seconds, error)
    if not request.envelope:
        retries = answer.raw.retries
        return Answer(request.endpoint, seconds, retried=bool(retries and retries.history))
    try:
        body = answer.json()
        return Answer(request.endpoint, seconds, "", int(body["document"]),
                      body["created"] is True)  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return Answer(request.endpoint, seconds, f"{request.path}: 200 {answer.text[:200]}")


def log_in(base: str, username: str) -> tuple[Answer, RequestsCookieJar]:
    """Log in as a clerk does, from the login form with its CSRF token: how it went, and
    the session's cookies."""
    start = time.perf_counter()
    with requests.Session() as session:
        try:
            form = session.get(base + "/login", timeout=120)
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            answer = session.post(
                base + "/login",
                data={"csrf_token": token.group(1) if token else "", "username": username,
                      "password": PASSWORD},
                allow_redirects=False,
                timeout=120,
            )  # fmt: skip
        except requests.RequestException as error:
            failed = Answer("login", time.perf_counter() - start, f"login {username}: {error}")
            return failed, session.cookies
        seconds = time.perf_counter() - start
        inbox = answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == "/"
        error = "" if inbox else f"login {username}: {answer.status_code}"
        return Answer("login", seconds, error), session.cookies


@dataclass
class Run:
    """What the clients did: the logins, then every answer of the mix, and how long each
    took in all."""

    logins: list[Answer] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    login_seconds: float = 0.0
    seconds: float = 0.0


def drive(base: str, plan: Plan, mix: list[Request], hub_token: str) -> Run:
    """The clerks log in, all at once; then ``plan.clients`` clients, each with its own
    connection and a clerk's session (a clerk has several tabs open), all start taking the
    next request of ``mix`` until none is left or ``plan.seconds`` have passed."""
    run = Run()
    start = time.perf_counter()
    with ThreadPoolExecutor(plan.clerks) as pool:
        logins = list(pool.map(lambda n: log_in(base, f"vanthu{n:02d}"), range(plan.clerks)))
    run.login_seconds = time.perf_counter() - start
    run.logins = [answer for answer, _ in logins]
    lock = threading.Lock()
    pending = iter(mix)
    clock = {}

    def start_mix() -> None:  # once every client is ready
        clock["start"], clock["deadline"] = time.perf_counter(), time.monotonic() + plan.seconds

    ready = threading.Barrier(plan.clients, action=start_mix, timeout=600)

    def take() -> Request | None:
        with lock:
            return next(pending, None) if time.monotonic() < clock["deadline"] else None

    def client(number: int) -> None:
        login, cookies = logins[number % plan.clerks]
        answers = []
        with browser(requests.Session()) as session:
            session.cookies.update(cookies)
            ready.wait()
            try:
                while not login.error and (request := take()) is not None:
                    started = time.perf_counter()
                    answers.append(_ask(session, base, request, hub_token))
                    answers[-1].started = started
            except Exception as error:  # counted, whatever it is: a client never dies silently
                answers.append(Answer("client", 0.0, f"client {number}: {error!r}"))
        with lock:
            run.answers.extend(answers)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(plan.clients)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    run.seconds = time.perf_counter() - clock["start"]
    return run


@contextmanager
def gunicorn(home: Path, url: str, hub_token: str, plan: Plan, log: Path) -> Iterator[str]:
    """gunicorn serving the node of ``home`` (``web.wsgi:application()``) on a free loopback
    port, its log in ``log``: its base URL, once it answers. Stopped with SIGTERM."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDOC_") or k == "EDOC_BLOBS"}
    env.update({"EDOC_HOME": str(home), DATABASE_URL_ENV: url, "EDOC_HUB_TOKEN": hub_token})
    command = [
        sys.executable, "-m", "gunicorn", "web.wsgi:application()",
        "--bind", f"127.0.0.1:{port}", "--workers", str(plan.workers),
        "--threads", str(plan.threads), "--no-control-socket", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base, log)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen, base: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            if requests.get(base + "/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{log.read_text()}")


@dataclass(frozen=True)
class Tally:
    """The documents in the node's database afterwards, against what the node answered.

    ``expected``: the inbox's and every envelope acknowledged; ``lost``, expected but not
    stored; ``duplicated``, rows beyond one per DocumentId and sender; ``unexpected``,
    stored but never acknowledged; ``created_wrong``, DocumentIds not answered "created"
    exactly once (never, for the inbox's); ``arrivals_wrong``, documents without exactly one
    01 queued back to their sender."""

    expected: int
    stored: int
    lost: int
    duplicated: int
    unexpected: int
    created_wrong: int
    arrivals_wrong: int

    @property
    def ok(self) -> bool:
        wrong = self.lost, self.duplicated, self.unexpected, self.created_wrong, self.arrivals_wrong
        return not any(wrong)


def tally(url: str, inbox: Inbox, run: Run) -> Tally:
    """Count what the database keeps after ``run``."""
    acknowledged: dict[int, int] = defaultdict(int)  # document key: created answers
    for answer in run.answers:
        if answer.document_pk is not None:
            acknowledged[answer.document_pk] += answer.created
    engine = connect(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Document.id, Document.sender_organ_id, Document.document_id).where(
                    Document.owner_organ_id == VPCP.organ_id,
                    Document.direction == Direction.RECEIVED,
                )
            ).all()
            arrivals = Counter(
                dict(
                    connection.execute(
                        select(StatusEvent.document_pk, func.count())
                        .where(StatusEvent.direction == Direction.SENT)
                        .where(StatusEvent.status_code == StatusCode.ARRIVED.value)
                        .group_by(StatusEvent.document_pk)
                    ).all()
                )
            )
    finally:
        engine.dispose()
    stored = {row.id for row in rows}
    expected = set(inbox.document_pks) | set(acknowledged)
    keys = Counter((row.sender_organ_id, row.document_id) for row in rows)
    inbox_pks = set(inbox.document_pks)
    created_wrong = sum(
        count != (0 if pk in inbox_pks else 1) for pk, count in acknowledged.items()
    )
    return Tally(
        expected=len(expected),
        stored=len(stored),
        lost=len(expected - stored),
        duplicated=sum(count - 1 for count in keys.values()),
        unexpected=len(stored - expected),
        created_wrong=created_wrong,
        arrivals_wrong=sum(arrivals[pk] != 1 for pk in stored),
    )


def overlapping(answers: list[Answer]) -> int:
    """Posts of an envelope sent while another post of the same one was still in flight:
    the races that storing once must win."""
    by_document = defaultdict(list)
    for answer in answers:
        if answer.document_pk is not None:
            by_document[answer.document_pk].append(
                (answer.started, answer.started + answer.seconds)
            )
    raced = 0
    for posts in by_document.values():
        posts.sort()
        busy_until = posts[0][1]
        for start, end in posts[1:]:
            raced += start < busy_until
            busy_until = max(busy_until, end)
    return raced


@dataclass(frozen=True)
class Figures:
    """One endpoint's figures: requests, requests/s, latency (s) and errors."""

    endpoint: str
    requests: int
    rate: float
    p50: float
    p95: float
    longest: float
    errors: int


def figures(endpoint: str, answers: list[Answer], seconds: float) -> Figures:
    times = sorted(a.seconds for a in answers) or [0.0]
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    errors = sum(bool(a.error) for a in answers)
    rate = len(answers) / seconds if seconds else 0.0
    return Figures(endpoint, len(answers), rate, statistics.median(times), p95, times[-1], errors)


@dataclass(frozen=True)
class Outcome:
    """A load run: the plan, the figures (endpoints, then all of them), the logins', the
    tally, the posts that raced another post of their envelope (:func:`overlapping`), the
    GETs sent again (see :func:`browser`), the errors (the clients', then the server
    log's)."""

    plan: Plan
    seconds: float
    endpoints: list[Figures]
    overall: Figures
    logins: Figures
    tally: Tally
    raced: int
    retried: int
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and self.tally.ok

    def lines(self) -> list[str]:
        """The report, as printed."""
        plan = self.plan
        head = (
            f"{plan.clients} clients, {self.overall.requests} requests in {self.seconds:.1f} s, "
            f"gunicorn {plan.workers} workers x {plan.threads} threads, PostgreSQL, "
            f"inbox of {plan.documents} documents, {os.cpu_count()} cores "
            f"(load {os.getloadavg()[0]:.2f})"
        )
        rows = [head, f"{'endpoint':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
                f"{'p95 ms':>7} {'max ms':>7} {'errors':>6}"]  # fmt: skip
        for row in [*self.endpoints, self.overall, self.logins]:
            rows.append(
                f"{row.endpoint:<10} {row.requests:>8} {row.rate:>7.1f} {row.p50 * 1000:>7.0f} "
                f"{row.p95 * 1000:>7.0f} {row.longest * 1000:>7.0f} {row.errors:>6}"
            )
        t = self.tally
        rows.append(f"posts of an envelope while another post of it was in flight: {self.raced}")
        rows.append(
            f"GETs sent again on a new connection, the kept-alive one closed: {self.retried}"
        )
        rows.append(
            f"documents: expected {t.expected}, stored {t.stored}, lost {t.lost}, duplicated "
            f"{t.duplicated}, unexpected {t.unexpected}, answered created not once "
            f"{t.created_wrong}, without exactly one 01 {t.arrivals_wrong}"
        )
        rows += [f"error: {error}" for error in self.errors[:10]]
        if len(self.errors) > 10:
            rows.append(f"... and {len(self.errors) - 10} errors more")
        return rows


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load(
    url: str, home: Path, pki: TestPKI, plan: Plan, progress: Callable[[str], None] = _stderr
) -> Outcome:
    """Prepare the node on the empty database at ``url`` (workspace ``home``), serve it with
    gunicorn, run ``plan``'s mix on it and count what it kept. The PKI's services should be
    running (revocation is checked against them, softly)."""
    progress("signing the letters")
    letters = Letters(*signed_letter(pki))
    progress(f"filling the inbox: {plan.documents} documents")
    inbox = prepare(home, url, pki, plan, letters)
    mix = requests_to_make(plan, inbox, letters)
    hub_token = secrets.token_urlsafe(24)
    log = home / "gunicorn.log"
    progress(f"starting gunicorn: {plan.workers} workers x {plan.threads} threads")
    with gunicorn(home, url, hub_token, plan, log) as base:
        progress(f"{plan.clerks} clerks log in; {plan.clients} clients, {len(mix)} requests")
        run = drive(base, plan, mix, hub_token)
    problems = [line for line in log.read_text().splitlines() if LOG_PROBLEMS.search(line)]
    by_endpoint = defaultdict(list)
    for answer in run.answers:
        by_endpoint[answer.endpoint].append(answer)
    return Outcome(
        plan=plan,
        seconds=run.seconds,
        endpoints=[figures(name, by_endpoint[name], run.seconds) for name in MIX],
        overall=figures("all", run.answers, run.seconds),
        logins=figures("login", run.logins, run.login_seconds),
        tally=tally(url, inbox, run),
        raced=overlapping(run.answers),
        retried=sum(answer.retried for answer in run.answers),
        errors=[a.error for a in run.logins + run.answers if a.error]
        + [f"server log: {line}" for line in problems],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Plan()
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--requests", type=int, default=defaults.requests)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--documents", type=int, default=defaults.documents)
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    args = parser.parse_args()
    plan = Plan(args.clients, args.requests, args.seconds, args.documents,
                workers=args.workers, threads=args.threads)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="edoc-bench-load-") as folder:
        home = Path(folder)
        _stderr("building the test PKI")
        pki = build_pki(base_url=f"http://127.0.0.1:{free_port()}", key_cache=home / "keys")
        with PKIServer(pki), PostgresServer() as url:
            outcome = load(url, home / "node", pki, plan)
    print("\n".join(outcome.lines()))
    if not outcome.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
