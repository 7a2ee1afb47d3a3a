"""Exit 0 when the PostgreSQL and Redis given on the command line answer, 1 otherwise."""

from __future__ import annotations

import sys

import psycopg
import redis


def reachable(database_url: str, redis_url: str) -> bool:
    try:
        # The maintenance database always exists; the test database is made by pytest.
        with psycopg.connect(
            database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3
        ) as connection:
            connection.execute("SELECT 1")
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except (psycopg.Error, redis.RedisError) as error:
        print(f"not reachable: {error}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1], sys.argv[2]) else 1)
