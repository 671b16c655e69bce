"""The job layer: daily and interval jobs driven by a controllable clock, leases with heartbeats
and take-over, and the progress record the page and the API show."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from guanxi.core import clock, jobs
from guanxi.core.jobs.leases import stopped_message
from guanxi.core.models import ImportBatch, JobRun

T0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_daily_job_runs_once_per_day_even_if_scheduled_twice(db):
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    with clock.frozen(dt.datetime(2026, 3, 1, 3, 0)):
        first = jobs.run_daily("core.purge_expired_sessions")
        second = jobs.run_daily("core.purge_expired_sessions")
    assert first == {"sessions": 1, "attempts": 0, "day": "2026-03-01"}
    assert second is None  # claimed already: a second machine does nothing
    with clock.frozen(dt.datetime(2026, 3, 2, 3, 0)):
        assert jobs.run_daily("core.purge_expired_sessions")["day"] == "2026-03-02"
    runs = JobRun.objects.filter(name="core.purge_expired_sessions")
    assert runs.count() == 2
    assert set(runs.values_list("status", flat=True)) == {"done"}


def test_registered_daily_jobs_are_known_to_the_scheduler():
    assert "core.purge_expired_sessions" in jobs.daily_job_names()
    periodic = {t.__name__ for t in jobs.get_huey()._registry._periodic_tasks}
    assert "core.purge_expired_sessions" in periodic


def test_background_tasks_run_inline_in_tests(db):
    calls = []

    def remember(value):
        calls.append(value)
        return value * 2

    task = jobs.background(remember)
    result = task(21)
    assert calls == [21]
    assert result() == 42


# ------------------------------------------------------------------ interval jobs


def test_interval_job_from_a_second_app_runs_once_per_slot(db):
    assert jobs.interval_job_names()["testapp.count_widgets"] == 15
    with clock.frozen(at(0)):
        first = jobs.run_interval("testapp.count_widgets")
    with clock.frozen(at(14)):
        same_slot = jobs.run_interval("testapp.count_widgets")
    with clock.frozen(at(15)):
        next_slot = jobs.run_interval("testapp.count_widgets")
    assert first == {"widgets": 0, "slot": "2026-03-01T10:00:00+00:00"}
    assert same_slot is None  # the 10:00 slot already ran (here or on another machine)
    assert next_slot == {"widgets": 0, "slot": "2026-03-01T10:15:00+00:00"}
    assert JobRun.objects.filter(name="testapp.count_widgets", status="done").count() == 2


def test_the_scheduler_fires_an_interval_job_at_each_slot_start():
    def due(minute: int) -> set[str]:
        # Huey's scheduler hands naive UTC times (utc=True) to the periodic tasks.
        when = dt.datetime(2026, 3, 1, 10, minute)
        return {task.name for task in jobs.get_huey().read_periodic(when)}

    assert "testapp.count_widgets" in due(0) and "testapp.count_widgets" in due(45)
    assert "testapp.count_widgets" not in due(7)
    assert "core.recover_stalled_jobs" in due(5) and "core.recover_stalled_jobs" not in due(7)


def test_interval_slots_are_counted_in_utc_from_the_epoch():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    local = dt.datetime(2026, 3, 1, 18, 29, tzinfo=shanghai)  # 10:29 UTC
    assert jobs.slot_start(local, 15) == dt.datetime(2026, 3, 1, 10, 15, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        jobs.every("bad", minutes=0)


# ------------------------------------------------------------------ leases


def test_lease_claim_is_exclusive(db):
    with clock.frozen(at(0)):
        lease = jobs.acquire("x", "k")
        assert lease is not None
        assert jobs.acquire("x", "k") is None  # held by a live worker
        assert lease.finish({"ok": True})
        assert jobs.acquire("x", "k") is None  # finished: never runs again


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", ["new", "expired"])
def test_two_workers_claiming_at_once_only_one_wins(state):
    if state == "expired":
        with clock.frozen(at(0)):
            assert jobs.acquire("race", "k") is not None  # its worker then dies
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def claim() -> None:
        try:
            barrier.wait()
            with clock.frozen(at(30)):
                result = "won" if jobs.acquire("race", "k") is not None else "lost"
        except Exception as exc:  # surfaced below: any other failure is a bug
            result = f"error {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("lost") == 5, outcomes
    assert JobRun.objects.get(name="race").attempts == (2 if state == "expired" else 1)


def test_expired_lease_is_taken_over_and_the_left_batch_marked_failed(db):
    batch = ImportBatch.objects.create(kind="customers", status="running")
    with clock.frozen(at(0)):
        dead = jobs.acquire("testapp.import", "batch:1", batch=batch)
    assert dead is not None
    with clock.frozen(at(9)):
        assert jobs.acquire("testapp.import", "batch:1") is None  # not expired yet
    batch.refresh_from_db()
    assert batch.status == "running"
    with clock.frozen(at(11)):
        taker = jobs.acquire("testapp.import", "batch:1")
    assert taker is not None and taker.took_over and taker.token != dead.token
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.errors[0]["reason"] == stopped_message()
    # The stalled worker wakes up: it may no longer write to the run it lost.
    with clock.frozen(at(12)), pytest.raises(jobs.LeaseLost):
        dead.report(5, 10, "late")
    assert dead.finish({"late": True}) is False
    run = JobRun.objects.get(name="testapp.import")
    assert run.attempts == 2 and run.owner_token == taker.token and run.done == 0


def test_heartbeat_extends_the_lease(db):
    with clock.frozen(at(0)):
        lease = jobs.acquire("beat", "k", ttl=dt.timedelta(minutes=10))
    assert lease is not None
    with clock.frozen(at(8)):
        lease.heartbeat()
    with clock.frozen(at(15)):
        assert jobs.acquire("beat", "k") is None  # renewed until 10:18
    with clock.frozen(at(17)):
        lease.report(3, 7, "working")  # progress renews it too, until 10:27
    with clock.frozen(at(26)):
        assert jobs.acquire("beat", "k") is None
    run = JobRun.objects.get(name="beat")
    assert (run.done, run.total, run.message, run.percent) == (3, 7, "working", 43)
    assert run.lease_expires_at == at(27)
    with clock.frozen(at(28)):
        assert jobs.acquire("beat", "k") is not None  # no heartbeat since: taken over


def test_stalled_runs_are_recovered_by_the_interval_job(db):
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    batch = ImportBatch.objects.create(kind="customers", status="queued")
    with clock.frozen(at(0)):
        day = clock.today().isoformat()
        assert jobs.acquire("core.purge_expired_sessions", day) is not None  # then dies
        assert jobs.acquire("customers.import", "batch:9", batch=batch) is not None  # dies too
    with clock.frozen(at(20)):
        result = jobs.run_interval("core.recover_stalled_jobs")
    assert result is not None and (result["rerun"], result["failed"]) == (1, 1)
    daily = JobRun.objects.get(name="core.purge_expired_sessions")
    assert daily.status == "done" and daily.result["sessions"] == 1  # done again, same day
    left = JobRun.objects.get(name="customers.import")
    assert left.status == "failed" and left.error == stopped_message()
    batch.refresh_from_db()
    assert batch.status == "failed"


def test_a_failing_job_is_marked_failed_with_its_error(db):
    def broken(lease: jobs.Lease) -> dict:
        lease.report(1, 4, "first step")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        jobs.run_once("broken", "k", broken)
    run = JobRun.objects.get(name="broken")
    assert (run.status, run.error, run.done, run.total) == ("failed", "disk full", 1, 4)
    assert run.finished_at is not None
    assert jobs.current_lease() is None


# ------------------------------------------------------------------ progress: API and page


@pytest.fixture
def rep1_run(org):
    run = jobs.queue_run("customers.import", "batch:77", user=org.users["rep1"], message="Queued")
    lease = jobs.acquire("customers.import", "batch:77")
    assert lease is not None and not lease.took_over  # a queued run is started, not taken over
    lease.report(40, 100, "Imported")
    run.refresh_from_db()
    return run


def test_progress_is_readable_by_its_owner_through_the_api(org, api_for, rep1_run):
    response = api_for("rep1").get(f"/api/v1/jobs/{rep1_run.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == (
        "running",
        40,
        100,
        40,
    )
    assert body["message"] == "Imported" and body["started_at"] is not None
    listing = api_for("rep1").get("/api/v1/jobs").json()
    assert [item["id"] for item in listing["items"]] == [rep1_run.pk]
    assert listing["count"] == 1 and listing["page"] == 1


def test_another_users_job_is_a_404_an_administrators_a_200(org, api_for, rep1_run):
    missing = api_for("rep2").get("/api/v1/jobs/999999")
    other = api_for("rep2").get(f"/api/v1/jobs/{rep1_run.pk}")
    assert other.status_code == 404 and other.json() == missing.json()
    assert api_for("manager1").get(f"/api/v1/jobs/{rep1_run.pk}").status_code == 404
    assert api_for("rep2").get("/api/v1/jobs").json()["items"] == []
    assert api_for("admin").get(f"/api/v1/jobs/{rep1_run.pk}").status_code == 200


def test_job_list_refuses_unknown_query_keys(org, api_for):
    response = api_for("rep1").get("/api/v1/jobs?owner=2")
    assert response.status_code == 400 and "owner" in response.json()["fields"]


def test_progress_page_and_its_polling_fragment_render(org, client_for, rep1_run):
    page = client_for("rep1").get(f"/jobs/{rep1_run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="40"' in html and 'max="100"' in html and "customers.import" in html
    assert 'hx-trigger="every 2s"' in html  # still running: the fragment keeps polling
    fragment = client_for("rep1").get(f"/jobs/{rep1_run.pk}/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    assert client_for("rep2").get(f"/jobs/{rep1_run.pk}/").status_code == 404
    listing = client_for("rep1").get("/jobs/")
    assert listing.status_code == 200 and f"/jobs/{rep1_run.pk}/" in listing.content.decode()


def test_a_finished_job_page_stops_polling(org, client_for):
    run = jobs.queue_run("customers.import", "batch:78", user=org.users["rep1"])
    jobs.run_once("customers.import", "batch:78", lambda lease: {"created": 3})
    html = client_for("rep1").get(f"/jobs/{run.pk}/").content.decode()
    assert "hx-trigger" not in html
    assert JobRun.objects.get(pk=run.pk).result == {"created": 3}
