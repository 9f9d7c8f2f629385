"""A workshop under load: N participants join and answer every page while the projector
polls its view once a second; every answer the server acknowledged is checked against the database.
Then every phone waits for the results, polling as the page does (every two seconds, 304 while
nothing changed), and the facilitator reveals them: the time until each phone has fetched the
room's picture is measured.

Usage: python bench/workshop_load.py [--participants 300] [--workers 4] [--threads 32]
Last line: participants=N acknowledged=A stored=S lost=L duplicated=D errors_5xx=E
           p95_save_ms=X p95_poll_ms=Y p95_trivial_ms=Z p95_reveal_to_phone_ms=R
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import requests  # noqa: E402

from app import store  # noqa: E402
from app.engine import load_content  # noqa: E402
from bench.common import ROOT, free_port  # noqa: E402

FACILITATOR_PASSWORD = "facilitator load password"
CONTEXT = {"org_size": "large", "active_projects": 60, "business_units": 3, "regulated": True,
           "risk_profile": "medium", "delivery_mix": "hybrid", "primary_pain": "resource_conflicts",
           "existing_pmo": "informal"}
ROLES = ["Executive", "PMO", "Delivery", "Engineering"]


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def prepare(database: str) -> dict:
    """A facilitator, an organisation and an open workshop."""
    content = load_content(ROOT)
    questionnaire = content.default_questionnaire
    db = store.open_db(database)
    store.migrate(db)
    user_id = store.create_user(db, "facilitator@example.org", FACILITATOR_PASSWORD, role="facilitator")
    org_id = store.create_org(db, "Load test client", user_id)
    workshop_id = store.create_workshop(db, org_id, user_id, title="Load test", mode="anonymous", roles=ROLES,
                                        context=CONTEXT, questionnaire_id=questionnaire.id,
                                        questionnaire_version=questionnaire.version)
    workshop = store.get_workshop(db, org_id, workshop_id)
    db.close()
    pages = [(d.id, [q.id for q in d.questions]) for d in questionnaire.dimensions]
    return {"org_id": org_id, "workshop_id": workshop_id, "code": workshop["join_code"], "pages": pages}


class Run:
    """Shared counters of one load run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: dict[str, dict[str, int | None]] = {}  # participant token -> {question: level}
        self.save_ms: list[float] = []
        self.poll_ms: list[float] = []
        self.trivial_ms: list[float] = []
        self.phones: list[requests.Session] = []  # every participant who submitted, to wait for the results
        self.reveal_ms: list[float] = []
        self.errors_5xx = 0
        self.failed_requests = 0
        self.stop = threading.Event()

    def status(self, response: requests.Response) -> None:
        if response.status_code >= 500:
            with self.lock:
                self.errors_5xx += 1


def _csrf(text: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', text).group(1)


def _request(run: Run, session: requests.Session, method: str, url: str, attempts: int = 5, **kwargs):
    """Send with retries on connection errors (a killed worker drops its connections)."""
    for attempt in range(attempts):
        try:
            response = session.request(method, url, timeout=30, **kwargs)
            run.status(response)
            if response.status_code >= 500 and attempt + 1 < attempts:
                time.sleep(0.2)
                continue
            return response
        except requests.RequestException:
            with run.lock:
                run.failed_requests += 1
            time.sleep(0.2 * (attempt + 1))
    return None


def participant(run: Run, url: str, code: str, pages: list, seed: int) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    page = _request(run, session, "GET", f"{url}/join/{code}")
    if page is None or page.status_code != 200:
        return
    token = _csrf(page.text)
    joined = _request(run, session, "POST", f"{url}/join/{code}", data={"csrf_token": token,
                                                                        "role": rng.choice(ROLES)},
                      allow_redirects=False)
    if joined is None or joined.status_code != 302:
        return
    cookie = next((c.value for c in session.cookies if c.name.startswith("pmo_ws")), None)
    if cookie is None:
        return
    base = rng.uniform(1.5, 4.0)
    mine: dict[str, int | None] = {}
    for _dimension, questions in pages:
        answers = {q: (None if rng.random() < 0.05 else max(1, min(5, round(rng.gauss(base, 0.9)))))
                   for q in questions}
        for attempt in range(2 if rng.random() < 0.1 else 1):  # some saves are replayed, like a network retry
            started = time.perf_counter()
            response = _request(run, session, "POST", f"{url}/w/{code}/answers", json={"answers": answers},
                                 headers={"X-CSRFToken": token})
            elapsed = 1000 * (time.perf_counter() - started)
            if response is not None and response.status_code == 200 and "saved" in response.json():
                with run.lock:
                    run.save_ms.append(elapsed)
                mine.update(answers)
        with run.lock:
            run.acknowledged[cookie] = dict(mine)
    _request(run, session, "POST", f"{url}/w/{code}/submit", data={"csrf_token": token}, allow_redirects=False)
    with run.lock:
        run.phones.append(session)


def facilitator(url: str, org_id: int, workshop_id: int, attempts: int = 5) -> tuple[requests.Session, str]:
    """A signed-in facilitator's session and a CSRF token for their forms (tried again when a killed
    worker drops the connection)."""
    for attempt in range(attempts):
        try:
            return _sign_in(url, org_id, workshop_id)
        except requests.ConnectionError:
            if attempt + 1 == attempts:
                raise
            time.sleep(0.2 * (attempt + 1))


def _sign_in(url: str, org_id: int, workshop_id: int) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30)
    session.post(f"{url}/login", data={"csrf_token": _csrf(page.text), "email": "facilitator@example.org",
                                       "password": FACILITATOR_PASSWORD}, timeout=30)
    return session, _csrf(session.get(f"{url}/orgs/{org_id}/workshops/{workshop_id}", timeout=30).text)


def reveal(session: requests.Session, token: str, url: str, org_id: int, workshop_id: int, shown: bool,
           attempts: int = 5) -> None:
    """Show or hide the room's results (tried again when a killed worker drops the connection: the fault
    test kills one mid-run, and the projector's thread died on it)."""
    for attempt in range(attempts):
        try:
            session.post(f"{url}/orgs/{org_id}/workshops/{workshop_id}/reveal",
                         data={"csrf_token": token, "revealed": "1" if shown else "0"}, timeout=30,
                         allow_redirects=False)
            return
        except requests.ConnectionError:
            if attempt + 1 == attempts:
                raise
            time.sleep(0.2 * (attempt + 1))


def projector(run: Run, url: str, org_id: int, workshop_id: int) -> None:
    """The projector page: its current view polled once a second (revealed, so the figures are drawn),
    with the ETag a browser sends back; /healthz beside it as the trivial baseline."""
    session, token = facilitator(url, org_id, workshop_id)
    reveal(session, token, url, org_id, workshop_id, True)
    trivial = requests.Session()
    etag = None
    while not run.stop.is_set():
        for target, bucket, client in ((f"{url}/orgs/{org_id}/workshops/{workshop_id}/stage.json", run.poll_ms,
                                        session), (f"{url}/healthz", run.trivial_ms, trivial)):
            started = time.perf_counter()
            headers = {"If-None-Match": etag} if client is session and etag else {}
            response = _request(run, client, "GET", target, headers=headers)
            if response is not None and response.status_code in (200, 304):
                with run.lock:
                    bucket.append(1000 * (time.perf_counter() - started))
                if client is session and response.status_code == 200:
                    etag = response.headers.get("ETag")
        run.stop.wait(1.0)


def phones_wait_for_the_results(run: Run, url: str, code: str, org_id: int, workshop_id: int, threads: int,
                                every: float = 2.0, timeout: float = 60.0) -> None:
    """Every phone polls its state as room.js does; the facilitator reveals; each phone that sees it
    fetches the room's picture. Records, per phone, the time from the reveal until it had the picture."""
    session, token = facilitator(url, org_id, workshop_id)
    reveal(session, token, url, org_id, workshop_id, False)
    phones = list(run.phones)
    rng = random.Random(7)
    due = [time.perf_counter() + rng.uniform(0, every) for _ in phones]  # phones poll out of step
    etags: list[str | None] = [None] * len(phones)
    done = [False] * len(phones)
    revealed_at: list[float] = []

    def serve(indices: list[int]) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and not all(done[i] for i in indices):
            now = time.perf_counter()
            for i in indices:
                if done[i] or due[i] > now:
                    continue
                due[i] = now + every
                headers = {"If-None-Match": etags[i]} if etags[i] else {}
                state = _request(run, phones[i], "GET", f"{url}/w/{code}/state.json", headers=headers)
                if state is None or state.status_code == 304:
                    continue
                if state.status_code == 200:
                    etags[i] = state.headers.get("ETag")
                    if state.json().get("revealed") and revealed_at:
                        room = _request(run, phones[i], "GET", f"{url}/w/{code}/room")
                        if room is not None and room.status_code == 200:
                            with run.lock:
                                run.reveal_ms.append(1000 * (time.perf_counter() - revealed_at[0]))
                            done[i] = True
            time.sleep(0.02)

    groups = [list(range(len(phones)))[k::threads] for k in range(threads)]
    workers = [threading.Thread(target=serve, args=(group,), daemon=True) for group in groups if group]
    for worker in workers:
        worker.start()
    time.sleep(every + 1)  # every phone is waiting, its state known
    revealed_at.append(time.perf_counter())
    reveal(session, token, url, org_id, workshop_id, True)
    for worker in workers:
        worker.join(timeout + 5)


def count_stored(database: str, acknowledged: dict[str, dict]) -> tuple[int, int, int]:
    """(acknowledged answers found as acknowledged, lost, duplicated rows)."""
    db = store.open_db(database)
    stored = lost = 0
    for token, answers in acknowledged.items():
        row = db.execute("SELECT id FROM responses WHERE token_hash = ?", [store.hash_token(token)]).fetchone()
        rows = dict(db.execute("SELECT question_id, level FROM answers WHERE response_id = ?", [row[0]]).fetchall()
                    ) if row else {}
        for question, level in answers.items():
            if question in rows and rows[question] == level:
                stored += 1
            else:
                lost += 1
    total, distinct = db.execute("SELECT count(*), count(DISTINCT response_id || '/' || question_id) "
                                 "FROM answers").fetchone()
    db.close()
    return stored, lost, total - distinct


STARTUP_SECONDS = 180


def start_gunicorn(database: str, workers: int, log: Path):
    import subprocess

    port = free_port()
    # Every simulated phone joins from loopback: lift the join limit per address (a room's size).
    env = {**os.environ, "FLASK_DATABASE": database, "FLASK_SECRET_KEY": "load-test",
           "FLASK_WORKSHOP_JOINS_PER_ADDRESS": "100000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--graceful-timeout", "5", "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stderr=open(log, "w"), stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    # Four workers importing the app on a loaded 2-core machine can take well over 30 s.
    deadline = time.time() + STARTUP_SECONDS
    while time.time() < deadline and proc.poll() is None:
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + log.read_text()[-2000:])


def worker_pids(master_pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == master_pid:
                        children.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return children


def run_load(participants: int = 300, workers: int = 4, threads: int = 32, kill_worker_after: float | None = None,
             seed: int = 5) -> dict:
    """Run the whole scenario; return the figures (and whether a worker was killed)."""
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "workshop.sqlite3")
        setup = prepare(database)
        log = Path(tmp) / "gunicorn.log"
        proc, url = start_gunicorn(database, workers, log)
        run = Run()
        killed = None
        try:
            poller = threading.Thread(target=projector, args=(run, url, setup["org_id"], setup["workshop_id"]),
                                      daemon=True)
            poller.start()
            if kill_worker_after is not None:
                def kill_one():
                    time.sleep(kill_worker_after)
                    pids = worker_pids(proc.pid)
                    if pids:
                        nonlocal killed
                        killed = pids[0]
                        os.kill(killed, signal.SIGKILL)
                threading.Thread(target=kill_one, daemon=True).start()
            with ThreadPoolExecutor(max_workers=threads) as pool:
                for i in range(participants):
                    pool.submit(participant, run, url, setup["code"], setup["pages"], seed * 100_000 + i)
            run.stop.set()
            poller.join(timeout=10)
            phones_wait_for_the_results(run, url, setup["code"], setup["org_id"], setup["workshop_id"], threads)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        stored, lost, duplicated = count_stored(database, run.acknowledged)
        acknowledged = sum(len(a) for a in run.acknowledged.values())
        server_log = log.read_text()
    return {
        "participants": participants, "joined": len(run.acknowledged), "acknowledged": acknowledged,
        "questions": sum(len(questions) for _d, questions in setup["pages"]),
        "stored": stored, "lost": lost, "duplicated": duplicated, "errors_5xx": run.errors_5xx,
        "failed_requests": run.failed_requests, "p95_save_ms": p95(run.save_ms), "p95_poll_ms": p95(run.poll_ms),
        "p95_trivial_ms": p95(run.trivial_ms), "polls": len(run.poll_ms), "killed_worker": killed,
        "p95_reveal_to_phone_ms": p95(run.reveal_ms), "phones_shown": len(run.reveal_ms),
        "phones_waiting": len(run.phones), "max_reveal_to_phone_ms": max(run.reveal_ms, default=0.0),
        "database_locked": "database is locked" in server_log, "server_log": server_log[-3000:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run_load(args.participants, args.workers, args.threads)
    print(f"{figures['joined']} of {figures['participants']} participants joined in "
          f"{time.perf_counter() - started:.1f} s; {figures['polls']} projector polls; "
          f"connection retries {figures['failed_requests']}; 'database is locked' in the server log: "
          f"{'yes' if figures['database_locked'] else 'no'}; results reached {figures['phones_shown']} of "
          f"{figures['phones_waiting']} waiting phones, the last after {figures['max_reveal_to_phone_ms']:.0f} ms")
    print(" ".join(f"{k}={figures[k]:.1f}" if isinstance(figures[k], float) else f"{k}={figures[k]}"
                   for k in ("participants", "acknowledged", "stored", "lost", "duplicated", "errors_5xx",
                             "p95_save_ms", "p95_poll_ms", "p95_trivial_ms", "p95_reveal_to_phone_ms")))


if __name__ == "__main__":
    main()
