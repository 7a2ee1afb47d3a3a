"""The Redis backend: Dramatiq's Redis broker, with one actor that runs any job by name.

Dramatiq acknowledges a message only after the actor has returned, and its Redis broker
puts the unacknowledged messages of a worker whose heartbeat stopped back on the queue
(see docs/architecture.md, "Background work").
"""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import close_old_connections
from dramatiq import Actor, Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Retries, TimeLimit

from minjian.jobs.registry import run_job

ACTOR_NAME = "minjian_job"
QUEUE_NAME = "jobs"


class DatabaseConnections(Middleware):
    """Each job starts and ends with usable database connections, as a request does:
    a worker thread lives for days and the database may have closed its connection."""

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        close_old_connections()

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        close_old_connections()

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        close_old_connections()


def _settings_key() -> tuple[Any, ...]:
    return (
        settings.MINJIAN_JOBS_REDIS_URL,
        settings.MINJIAN_JOBS_NAMESPACE,
        settings.MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS,
        settings.MINJIAN_JOBS_MAINTENANCE_CHANCE,
        settings.MINJIAN_JOBS_MAX_RETRIES,
        settings.MINJIAN_JOBS_MIN_BACKOFF_MS,
        settings.MINJIAN_JOBS_MAX_BACKOFF_MS,
    )


_brokers: dict[tuple[Any, ...], RedisBroker] = {}
CONNECT_TIMEOUT_SECONDS = 2


def make_broker() -> RedisBroker:
    """A broker for the current settings, with the job actor declared on it."""
    url, namespace, heartbeat_ms, maintenance, retries, min_backoff, max_backoff = _settings_key()
    # RedisBroker's constructor has no annotations (dramatiq 2.2.1).
    broker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq has no type hints
        # Our own client, for its connect timeout: a request that defers a job after its
        # commit must not hang on a Redis the network has lost (the job is safe in the
        # PendingJob outbox either way).
        client=redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS),
        namespace=namespace,
        heartbeat_timeout=heartbeat_ms,
        maintenance_chance=maintenance,
        middleware=[
            # A job still running after ten minutes is stopped, and tried again later.
            TimeLimit(),
            Retries(max_retries=retries, min_backoff=min_backoff, max_backoff=max_backoff),
            DatabaseConnections(),
        ],
    )
    Actor(
        run_job, broker=broker, actor_name=ACTOR_NAME, queue_name=QUEUE_NAME, priority=0, options={}
    )
    return broker


def shared_broker() -> RedisBroker:
    """The broker this process sends with, made once per configuration."""
    key = _settings_key()
    if key not in _brokers:
        _brokers[key] = make_broker()
    return _brokers[key]


def send(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    shared_broker().get_actor(ACTOR_NAME).send(name, args, kwargs)
