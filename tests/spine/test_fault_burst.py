"""A burst of callbacks, each delivered three times, through a worker SIGKILL, a Redis stop and a PostgreSQL
restart (private servers, a real worker and scheduler process): nothing acknowledged is lost, doubled or stuck.

The figures are printed (`pytest -s`) and written to test-artifacts/fault-burst.json, beside the worker's and
the scheduler's log (fault-burst-processes.log).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace

import pytest
from rq.registry import StartedJobRegistry
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot.app import create_app
from bot.db import Database
from bot.sandbox import CallbackDriver
from bot.wecom.callback import event_from_xml
from models import CallbackEvent, Customer, Friendship, GroupMember
from tests.conftest import AES_KEY, AGENT_ID, ARTIFACTS, CORP_ID, TOKEN, make_settings
from tests.servers import AppProcess, private_postgres, private_redis  # noqa: F401  (fixtures)
from tests.spine.helpers import wait_for

FRIENDS, GROUP_JOINS = 36, 12
DELIVERIES = 3          # WeCom's retries: every event is delivered three times, spread over the burst
PACE = 0.04             # seconds between two steps of the burst
STUCK_LIMIT = 120       # seconds: no acknowledged event may wait longer to be processed
SCALED_STUCK_LIMIT = 30  # the same at this test's intervals (heartbeat and sweep every second, not 10-30 s)


@dataclass
class Burst:
    """Delivers the events in a thread: at step i, event i, and the retries of events i-6 and i-12.

    A fault spans steps a..b: the burst waits at step a until the fault has begun, goes on delivering
    while it lasts, and waits at step b until it is over, so each fault happens mid-burst.
    """

    driver: CallbackDriver
    events: list[str]
    acked: set[int] = field(default_factory=set)
    answers: dict[int, int] = field(default_factory=dict)
    progress: int = 0
    holds: dict[int, threading.Event] = field(default_factory=dict)
    thread: threading.Thread | None = None

    SPREAD = 6

    @property
    def steps(self) -> int:
        return len(self.events) + self.SPREAD * (DELIVERIES - 1)

    def start(self, *faults: tuple[int, int]) -> "Burst":
        self.holds = {step: threading.Event() for fault in faults for step in fault}
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        for step in range(self.steps):
            if step in self.holds:
                self.holds[step].wait(60)
            for index in (step - self.SPREAD * n for n in range(DELIVERIES)):
                if 0 <= index < len(self.events):
                    delivery = self.driver.deliver(self.events[index])
                    for attempt in delivery.attempts:
                        self.answers[attempt.status] = self.answers.get(attempt.status, 0) + 1
                    if delivery.ok:
                        self.acked.add(index)
            self.progress = step + 1
            time.sleep(PACE)

    def reached(self, step: int) -> None:
        """Wait until the burst is at step `step` (where it holds)."""
        assert wait_for(lambda: self.progress >= step, 60, step=0.02), "the burst stalled"

    def release(self, step: int) -> None:
        """Let the burst pass step `step`, once it is there."""
        self.reached(step)
        self.holds[step].set()


class Supervisor:
    """Keeps a worker process running, as systemd or supervisord would (restart after a death)."""

    def __init__(self, settings, log_path):
        self.settings, self.log_path = settings, log_path
        self.worker = AppProcess("worker", settings, log_path).start()
        self.restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.3):
            if not self.worker.alive:
                self.worker = AppProcess("worker", self.settings, self.log_path).start()
                self.restarts += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.worker.stop()


@pytest.fixture
def fault_settings(private_postgres, private_redis, sandbox_server, tmp_path):
    settings = make_settings(private_postgres.url, private_redis.url, sandbox_server.base_url, tmp_path)
    return replace(settings, JOB_RETRY_INTERVALS=(1, 1, 2, 2, 5), SWEEP_AFTER_SECONDS=2, SWEEP_INTERVAL_SECONDS=1,
                   WORKER_HEARTBEAT_SECONDS=1)


@pytest.fixture
def fault_app(fault_settings, private_postgres):
    from tests.conftest import _empty_database, seed_org

    app = create_app(fault_settings)
    runtime = app.extensions["runtime"]
    _empty_database(runtime.db.engine)
    seed_org(runtime.db)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    runtime.db.dispose()


def _events(sandbox) -> tuple[list[str], list[tuple[str, str]]]:
    """Friends added and customers joining two groups (the groups' creation included), in WeCom's order,
    each with what it records: ("friend", external_userid), ("join", external_userid) or ("group", chat_id)."""
    guides = ("wangfang", "lixiao", "zhangli")
    friends = [sandbox.new_customer(f"顾客{i}") for i in range(FRIENDS)]
    burst = [(sandbox.customer_adds_member(eid, guides[i % 3]), ("friend", eid)) for i, eid in enumerate(friends)]
    for g in range(2):
        chat_id, created = sandbox.create_group(guides[g], f"会员群{g}")
        burst.insert(g * 10, (created, ("group", chat_id)))
        for j in range(GROUP_JOINS // 2):
            eid = sandbox.new_customer(f"群友{g}-{j}")
            joined = sandbox.join_group(chat_id, [eid], join_scene_api=1, invitor=guides[g])
            burst.insert(g * 10 + 2 + j * 3, (joined, ("join", eid)))
    return [xml for xml, _ in burst], [subject for _, subject in burst]


def _figures(db, events: list[str], subjects: list[tuple[str, str]], burst: Burst) -> dict:
    keys = [event_from_xml(xml).dedupe_key() for xml in events]
    with db.transaction() as session:
        rows = {r.dedupe_key: r for r in session.scalars(select(CallbackEvent))}
        records = {("friend", eid): count for eid, count in session.execute(
            select(Customer.external_userid, Friendship.add_count)
            .join(Friendship, Friendship.customer_id == Customer.id))}
        records.update({("join", eid): count for eid, count in session.execute(
            select(GroupMember.member_id, func.count()).group_by(GroupMember.member_id))})
    acked = sorted(burst.acked)
    processed = [rows[keys[i]] for i in acked if keys[i] in rows and rows[keys[i]].status == "processed"]
    waits = [(r.processed_at - r.received_at).total_seconds() for r in processed]
    counted = [records.get(subjects[i], 0) for i in acked if subjects[i][0] != "group"]
    return {"events_sent": len(events), "deliveries": len(events) * DELIVERIES, "answers": burst.answers,
            "acknowledged": len(acked), "processed": len(processed), "lost": len(acked) - len(processed),
            "friends_and_joins_acknowledged": len(counted), "recorded_once": counted.count(1),
            "doubled": sum(1 for n in counted if n > 1), "inbox_rows": len(rows),
            "max_seconds_stuck": round(max(waits, default=0.0), 1)}


def test_faults_mid_burst_lose_double_and_strand_nothing(fault_app, fault_settings, private_postgres,
                                                         private_redis, sandbox, tmp_path):
    app, base_url = fault_app
    runtime = app.extensions["runtime"]
    driver = CallbackDriver(f"{base_url}/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY, corp_id=CORP_ID,
                            agent_id=AGENT_ID, timeout=5.0, retries=3, retry_pause=0.2)
    events, subjects = _events(sandbox)
    log = tmp_path / "processes.log"
    scheduler = AppProcess("scheduler", fault_settings, log).start()
    workers = Supervisor(fault_settings, log)
    started_at = time.monotonic()
    try:
        # The SIGKILL comes last: a Redis restart after it would wipe the killed job's state by itself.
        spans = {"Redis stopped": (6, 14), "PostgreSQL restarted": (20, 28), "worker SIGKILL": (34, 44)}
        burst = Burst(driver, events).start(*spans.values())
        # 1. Redis stops for two seconds (and comes back empty: nothing was saved).
        burst.reached(6)
        private_redis.stop()
        burst.release(6)
        time.sleep(2)
        private_redis.start()
        burst.release(14)
        # 2. PostgreSQL restarts, down for a second and a half.
        burst.reached(20)
        private_postgres.stop()
        burst.release(20)
        time.sleep(1.5)
        private_postgres.start()
        burst.release(28)
        # 3. The worker is SIGKILLed while a job hangs in a WeCom call; the supervisor starts another.
        burst.reached(34)
        sandbox.inject_fault("externalcontact/get", delay=20)
        burst.release(34)
        busy = StartedJobRegistry("urgent", connection=runtime.redis)
        assert wait_for(lambda: busy.get_job_ids(cleanup=False), 30), log.read_text()[-3000:]
        time.sleep(0.3)
        workers.worker.kill()
        burst.release(44)
        burst.thread.join(120)

        reader = Database(private_postgres.url)  # the test's reads do not depend on the app's pools
        wait_for(lambda: _figures(reader, events, subjects, burst)["lost"] == 0, 90, step=0.5)
        figures = _figures(reader, events, subjects, burst)
        reader.dispose()
    finally:
        workers.stop()
        scheduler.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "fault-burst-processes.log").write_bytes(log.read_bytes())  # the worker's and scheduler's
    figures.update(faults={name: f"during steps {a}-{b} of {burst.steps}" for name, (a, b) in spans.items()},
                   worker_restarts=workers.restarts,
                   wall_seconds=round(time.monotonic() - started_at, 1))
    (ARTIFACTS / "fault-burst.json").write_text(json.dumps(figures, indent=2))
    print("\nfault burst:", json.dumps(figures))

    assert figures["acknowledged"] > 0 and figures["inbox_rows"] >= figures["acknowledged"]
    assert figures["lost"] == 0
    assert figures["doubled"] == 0 and figures["recorded_once"] == figures["friends_and_joins_acknowledged"]
    assert figures["max_seconds_stuck"] < STUCK_LIMIT
    # With the test's one-second heartbeat and sweep, a killed worker's event waits seconds, not RQ's minutes.
    assert figures["max_seconds_stuck"] < SCALED_STUCK_LIMIT
