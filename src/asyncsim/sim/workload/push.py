"""Push: a WebSocket-like channel that delivers every change of a key to its subscribers.

One channel per (user, key), shared by the user's views of that key and reference-counted:
it opens with the first view that subscribes and closes when the last one leaves (Solid
Router's ``liveQuery`` and SWR's ``useSWRSubscription``, docs/library-defaults.md §1.1, §1.3).
A per-key hub follows the key's changes (background changes on their own schedule, writes
as they commit) and sends each one down every connected channel.

Delivery: a change made at ``t`` reaches the user at ``t + delay`` (a draw per message),
in order (a socket is FIFO, so a message never overtakes the one before it). A message
older than what the view already shows is not applied, but it was delivered (and counted).

Disconnects happen at ``disconnect_rate`` per connected channel, and whenever the user goes
offline; messages in flight are lost. Reconnect attempt ``k`` (from 0) comes
``min(reconnect_cap, reconnect_base·2^k)`` after the previous one and succeeds if the user
is online; on success the channel can *resync*: fetch the key through the strategy's stack
to catch up what it missed. With ``when_hidden: close`` a tab closes its channels while
hidden and reopens them (with a resync) when shown again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Literal

import simpy
from simpy.events import Event, Process, Timeout

from asyncsim.sim.distributions import Constant, Distribution
from asyncsim.sim.engine import BlockSampler, RandomStreams
from asyncsim.sim.workload.views import Fetcher, LiveUser, Query, View

WhenHidden = Literal["keep", "close"]


@dataclass(frozen=True)
class PushSpec:
    delay: Distribution = field(default_factory=lambda: Constant(0.0))
    disconnect_rate_per_s: float = 0.0
    reconnect_base_s: float = 0.5
    reconnect_cap_s: float = 10.0
    resync: bool = True
    when_hidden: WhenHidden = "keep"

    def __post_init__(self) -> None:
        if not self.disconnect_rate_per_s >= 0:
            raise ValueError("disconnect_rate_per_s must be zero or more")
        if not 0 < self.reconnect_base_s <= self.reconnect_cap_s:
            raise ValueError("reconnect delays need 0 < reconnect_base_s <= reconnect_cap_s")

    def reconnect_delay_s(self, attempt: int) -> float:
        return min(self.reconnect_cap_s, self.reconnect_base_s * 2.0 ** min(attempt, 60))


class Channel:
    """One user's subscription to one key."""

    __slots__ = ("attempts", "connected", "generation", "last_at_s", "open", "push", "query",
                 "queue", "refs", "timer_on")

    def __init__(self, push: Push, query: Query) -> None:
        self.push = push
        self.query = query
        self.refs = 0
        self.open = False
        self.connected = False
        self.generation = 0
        self.attempts = 0
        self.queue: deque[tuple[float, int]] = deque()
        self.timer_on = False
        self.last_at_s = 0.0

    # lifecycle ---------------------------------------------------------------------------

    def start(self, resync: bool) -> None:
        self.open = True
        if self.query.user.online:
            self._connect(resync)
        else:
            self._schedule_attempt()

    def close(self) -> None:
        self.open = False
        self._cut()

    def drop(self) -> None:
        """The connection broke (a disconnect, or the user went offline)."""
        if not self.connected:
            return
        self.push.fetcher.counters["push_disconnects"] += 1
        self._cut()
        self.attempts = 0
        self._schedule_attempt()

    def _cut(self) -> None:
        self.connected = False
        self.generation += 1
        self.queue.clear()
        self.timer_on = False

    def _connect(self, resync: bool) -> None:
        push = self.push
        self.connected = True
        self.generation += 1
        self.last_at_s = push.env._now
        if push.spec.disconnect_rate_per_s > 0:
            gap = push.unit_gaps() / push.spec.disconnect_rate_per_s
            Timeout(push.env, gap, value=self.generation).callbacks.append(self._on_disconnect)
        if resync and push.spec.resync:
            push.fetcher.counters["push_resyncs"] += 1
            self.query.fetch()

    def _schedule_attempt(self) -> None:
        push = self.push
        delay = push.spec.reconnect_delay_s(self.attempts)
        Timeout(push.env, delay, value=self.generation).callbacks.append(self._on_attempt)

    def _on_disconnect(self, event: Event) -> None:
        if event.value == self.generation and self.connected:
            self.drop()

    def _on_attempt(self, event: Event) -> None:
        push = self.push
        if event.value != self.generation or not self.open or push.env._now >= push.end_s:
            return
        if self.query.user.online:
            push.fetcher.counters["push_reconnects"] += 1
            self._connect(resync=True)
        else:
            self.attempts += 1
            self._schedule_attempt()

    # messages ----------------------------------------------------------------------------

    def send(self, version: int, changed_at_s: float) -> None:
        push = self.push
        at = changed_at_s + push.delay()
        if at < self.last_at_s:
            at = self.last_at_s
        self.last_at_s = at
        self.queue.append((at, version))
        if not self.timer_on:
            self._arm()

    def _arm(self) -> None:
        self.timer_on = True
        env = self.push.env
        wait = self.queue[0][0] - env._now
        Timeout(env, wait if wait > 0 else 0.0,
                value=self.generation).callbacks.append(self._on_timer)

    def _on_timer(self, event: Event) -> None:
        if event.value != self.generation:
            return
        self.timer_on = False
        now = self.push.env._now
        queue = self.queue
        while queue and queue[0][0] <= now:
            _, version = queue.popleft()
            self._apply(version, now)
        if queue:
            self._arm()

    def _apply(self, version: int, now: float) -> None:
        query = self.query
        fetcher = self.push.fetcher
        fetcher.counters["pushes"] += 1
        if fetcher.measuring:
            query.pushes += 1
        if version > query.display.version:
            query.show_server(now, version)
        else:
            fetcher.counters["pushes_not_newer"] += 1


class Hub:
    """Follows one key's changes and sends each to the key's connected channels."""

    def __init__(self, push: Push, key: int) -> None:
        self.push = push
        self.key = key
        self.channels: dict[int, Channel] = {}
        data = push.fetcher.data
        listen = getattr(data, "listen", None)
        if listen is not None:
            listen(key, self._written)
        Process(push.env, self._follow())

    def publish(self, version: int, at_s: float) -> None:
        for channel in self.channels.values():
            if channel.connected:
                channel.send(version, at_s)

    def _written(self, key: int, version: int, at_s: float) -> None:
        self.publish(version, at_s)

    def _follow(self) -> Generator[Event, Any, None]:
        """Sleep until each background change of the key, then publish it."""
        push = self.push
        env, data, key = push.env, push.fetcher.data, self.key
        while True:
            upcoming = data.superseded_at(key, data.version(key, env._now))
            if upcoming >= push.end_s:
                return
            yield Timeout(env, upcoming - env._now)
            self.publish(data.version(key, env._now), env._now)


class Push:
    """Every channel and hub of a run."""

    def __init__(self, spec: PushSpec, env: simpy.Environment, fetcher: Fetcher,
                 streams: RandomStreams, end_s: float) -> None:
        self.spec = spec
        self.env = env
        self.fetcher = fetcher
        self.end_s = end_s
        self.delay = BlockSampler(spec.delay.draw, streams.generator("live:push:delay"))
        self.unit_gaps = BlockSampler(lambda rng, n: rng.exponential(1.0, n),
                                      streams.generator("live:push:disconnects"))
        self.hubs: dict[int, Hub] = {}
        self.channels: dict[tuple[int, int], Channel] = {}

    def mount(self, view: View) -> None:
        if self.spec.when_hidden == "close" and not view.user.visible:
            return
        self.subscribe(view, resync=False)

    def subscribe(self, view: View, resync: bool) -> Channel:
        query = view.query
        key = (query.user.client, query.key)
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = Channel(self, query)
            hub = self.hubs.get(query.key)
            if hub is None:
                hub = self.hubs[query.key] = Hub(self, query.key)
            hub.channels[query.user.client] = channel
            channel.start(resync)
        channel.refs += 1
        return channel

    def unsubscribe(self, view: View) -> None:
        query = view.query
        key = (query.user.client, query.key)
        channel = self.channels[key]
        channel.refs -= 1
        if channel.refs == 0:
            channel.close()
            del self.channels[key]
            del self.hubs[query.key].channels[query.user.client]

    def on_visibility(self, user: LiveUser, visible: bool) -> None:
        if self.spec.when_hidden != "close" or self.env._now >= self.end_s:
            return
        for view in user.views:
            if visible:
                self.subscribe(view, resync=True)
            else:
                self.unsubscribe(view)

    def on_network(self, user: LiveUser, online: bool) -> None:
        if online:
            return
        for query in user.queries.values():
            channel = self.channels.get((user.client, query.key))
            if channel is not None:
                channel.drop()
