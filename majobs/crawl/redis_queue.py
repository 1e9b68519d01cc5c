"""scrapy-redis's priority queue, with leases: a popped request is kept until it is done.

scrapy-redis pops a request by deleting it from the queue, so a worker that dies takes
its requests with it. Here a pop *moves* the request into a lease hash (token -> request,
in one Lua script), the worker releases the token once the request's items are stored,
and a lease whose worker stopped sending heartbeats goes back to the queue. A source is
done when its queue and its leases are both empty, read in one transaction: work moves
from queue to lease atomically, and a lease is released only after the requests it led
to are queued, so no instant shows both empty while work remains.

Queue format, scores and serializer are scrapy-redis's own (``PriorityQueue``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy_redis.queue import PriorityQueue

from majobs.crawl.redis_keys import RETENTION_SECONDS, SourceKeys

ERROR_LINES = 20   # error lines kept per source (all workers together)
TOKEN_SEP = "#"    # lease token: "<worker id>#<n>"

# Dedupe and push in one step: a worker killed between the two would leave a request
# marked seen that is in no queue.
_PUSH_UNSEEN = """
if ARGV[3] ~= '' and redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
_POP_LEASED = """
local m = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #m == 0 then return false end
redis.call('ZREM', KEYS[1], m[1])
redis.call('HSET', KEYS[2], ARGV[1], m[1])
redis.call('HSET', KEYS[3], ARGV[1], m[2])
return m[1]
"""
_REQUEUE = """
local d = redis.call('HGET', KEYS[2], ARGV[1])
if not d then return 0 end
local s = redis.call('HGET', KEYS[3], ARGV[1]) or '0'
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], s, d)
return 1
"""


def lease_owner(token: str | bytes) -> str:
    text = token.decode() if isinstance(token, bytes) else token
    return text.rsplit(TOKEN_SEP, 1)[0]


class LeasedPriorityQueue(PriorityQueue):
    """One source's request queue in one crawl (see the module doc)."""

    def __init__(self, server: redis.Redis, spider: Spider, keys: SourceKeys,
                 serializer: Any = None) -> None:
        super().__init__(server, spider, keys.queue, serializer)
        self.keys = keys
        self._push_unseen = server.register_script(_PUSH_UNSEEN)
        self._pop_leased = server.register_script(_POP_LEASED)
        self._requeue = server.register_script(_REQUEUE)

    def push_unseen(self, request: Request, fingerprint: str | None) -> bool:
        """Queue ``request`` unless its fingerprint was seen (None: never filtered)."""
        data = self._encode_request(request)
        added = self._push_unseen(keys=[self.keys.queue, self.keys.seen],
                                  args=[-request.priority, data, fingerprint or ""])
        return bool(added)

    def pop_leased(self, token: str) -> Request | None:
        """The next request, now leased under ``token``; None when the queue is empty."""
        data = self._pop_leased(keys=[self.keys.queue, self.keys.leases, self.keys.scores],
                                args=[token])
        return self._decode_request(data) if data else None

    def requeue(self, token: str | bytes) -> bool:
        """Put a leased request back in the queue (its worker died or gave it up)."""
        return bool(self._requeue(keys=[self.keys.queue, self.keys.leases, self.keys.scores],
                                  args=[token]))

    def release(self, tokens: Iterable[str], stats: Mapping[str, int],
                error_lines: Iterable[str] = ()) -> None:
        """Done: drop the leases and add this worker's counters, in one transaction, so
        a released request's counts are never missing from the sums."""
        tokens, lines = list(tokens), list(error_lines)
        pipe = self.server.pipeline(transaction=True)
        if tokens:
            pipe.hdel(self.keys.leases, *tokens)
            pipe.hdel(self.keys.scores, *tokens)
        for key, value in stats.items():
            if value:
                pipe.hincrby(self.keys.stats, key, value)
        if lines:
            pipe.rpush(self.keys.errors, *lines)
            pipe.ltrim(self.keys.errors, 0, ERROR_LINES - 1)
        # Counters outlive the crawl a while (for --status), never forever.
        pipe.expire(self.keys.stats, RETENTION_SECONDS)
        pipe.expire(self.keys.errors, RETENTION_SECONDS)
        pipe.execute()

    def pending(self) -> tuple[int, int]:
        """(queued, leased), read at one instant."""
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.leases)
        queued, leased = pipe.execute()
        return int(queued), int(leased)

    def reap(self, owner_key: Callable[[str], str]) -> int:
        """Requeue the leases of workers whose heartbeat key is gone; how many."""
        tokens = self.server.hkeys(self.keys.leases)
        owners = sorted({lease_owner(t) for t in tokens})
        if not owners:
            return 0
        pipe = self.server.pipeline(transaction=False)
        for owner in owners:
            pipe.exists(owner_key(owner))
        alive = {o for o, n in zip(owners, pipe.execute(), strict=True) if n}
        return sum(self.requeue(t) for t in tokens if lease_owner(t) not in alive)
