"""Real brokers for the Celery tests: Redis and RabbitMQ on this machine (and in CI).

A broker that does not answer skips the test, except when REQUIRE_BROKERS=1 (CI sets it): then
the test fails, so a CI run without brokers can never look green."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from amqp.exceptions import ChannelError
from kombu import Connection

BROKERS = {
    "redis": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "rabbitmq": os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}


def require_broker(url: str) -> None:
    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as e:  # noqa: BLE001 — any failure to connect means "not answering"
        message = f"broker {url} is not answering: {e!r}"
        if os.environ.get("REQUIRE_BROKERS") == "1":
            pytest.fail(message + " (REQUIRE_BROKERS=1)")
        pytest.skip(message)


def unique_prefix() -> str:
    """Queue-name prefix of one test: parallel test workers and other runs on the same broker
    never consume each other's messages."""
    return f"test-{uuid.uuid4().hex[:10]}."


def message_count(app, queue: str) -> int:
    """Messages waiting in `queue`. Redis has no empty queue (an empty list is no key): a passive
    declare of it answers 404, which means 0 here."""
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
        except ChannelError as e:
            if getattr(e, "code", None) == 404 or "NOT_FOUND" in str(e):
                return 0
            raise


@contextmanager
def cleanup_queues(app, queues: list[str]) -> Iterator[None]:
    try:
        yield
    finally:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            for queue in queues:
                try:
                    channel.queue_delete(queue)
                except Exception:  # noqa: BLE001, S112 — a queue never declared is fine
                    continue
        url = app.conf.broker_url or ""
        if url.startswith("redis://"):
            # Kombu's Redis transport keeps lists and binding sets per queue name; a queue_delete
            # from a fresh connection does not know every binding.
            import redis

            client = redis.Redis.from_url(url)
            for queue in queues:
                keys = [*client.scan_iter(match=f"*{queue}*")]
                if keys:
                    client.delete(*keys)
