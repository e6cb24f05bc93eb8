"""A Transport whose HTTP calls run in Ray actors, each with its own connections to the endpoints.

The engine (cache, seeds, parse budget, retries, abort) stays in the calling process and sees one
endpoint, exactly as with the router: only `complete(body) -> Reply` crosses to a worker, and the
body already carries its seed. So a run on Ray asks the same requests and keeps the same replies
as a local one; what moves out is the network and JSON work of the calls themselves.

A killed worker is restarted by Ray and its calls in flight are retried there (at least once:
the endpoint may see a request twice, the engine keeps one reply). A worker Ray gives up on is
left out and its calls go to the others; with none left the run stops (RunAborted).
Needs the `ray` extra; imported only when a run asks for Ray.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections import Counter
from typing import Any

import ray

from factory.secrets import register

from .core import EndpointSettings
from .types import Reply, RunAborted, TransportError

RESTARTS = 4  # a worker process may die this often (and each call be retried as often) per run
WORKER_CPUS = 0.25  # workers wait on the network: a core hosts several, leaving room for the gate's tasks


def per_worker(settings: EndpointSettings, workers: int) -> EndpointSettings:
    """One worker's share of the endpoints' concurrency, so N workers together keep each endpoint's cap."""
    members = [
        dataclasses.replace(m, concurrency=math.ceil(m.concurrency / workers)) for m in settings.members
    ]
    return dataclasses.replace(settings, members=members)


@ray.remote
class RequestWorker:
    """Sends chat completions; errors come back as values (an exception would lose status and Retry-After)."""

    def __init__(self, settings: EndpointSettings):
        from .router import router_for  # built here, in the worker: connections do not travel
        from .transport import make_transport

        for key in [settings.api_key, *(m.api_key for m in settings.members)]:
            register(key)  # scrub() in this process too: an error body may echo the key
        self.transport = (
            router_for(settings)
            if settings.members
            else make_transport(
                settings.transport,
                settings.base_url,
                settings.api_key,
                settings.timeout,
                settings.concurrency,
            )
        )

    async def complete(self, body: dict[str, Any]) -> tuple:
        try:
            r = await self.transport.complete(body)
        except TransportError as exc:
            return ("error", str(exc), exc.status, exc.retry_after, exc.refused)
        return ("ok", r.text, r.finish_reason, r.prompt_tokens, r.completion_tokens)

    async def books(self) -> dict[str, dict] | None:
        books = getattr(self.transport, "books", None)
        return books() if callable(books) else None

    async def close(self) -> None:
        await self.transport.close()

    def pid(self) -> int:
        return os.getpid()


class RayTransport:
    """`workers` RequestWorker actors; each call goes to the one with the fewest calls in flight."""

    def __init__(self, settings: EndpointSettings, workers: int, name: str):
        self.settings = per_worker(settings, workers)
        self.workers = workers
        self.name = name  # actors are named `<name>-<i>` (tests and operators find them by it)
        self._actors: list[Any] = []  # None where a worker was lost for good
        self._load: list[int] = []
        self._books: dict[str, dict] | None = None

    def _ensure(self) -> None:
        """Actors start on the first call: a fully cached re-run starts none."""
        if self._actors:
            return
        opts = {
            "max_concurrency": max(1, self.settings.concurrency),
            "max_restarts": RESTARTS,
            "max_task_retries": RESTARTS,
            "num_cpus": WORKER_CPUS,
            "scheduling_strategy": "SPREAD",
        }
        self._actors = [
            RequestWorker.options(name=f"{self.name}-{i}", **opts).remote(self.settings)
            for i in range(self.workers)
        ]
        self._load = [0] * self.workers

    async def complete(self, body: dict[str, Any]) -> Reply:
        """On the least busy live worker; a worker Ray gave up on is left out and the call moves on."""
        self._ensure()
        while True:
            live = [i for i, a in enumerate(self._actors) if a is not None]
            if not live:
                raise RunAborted(f"all {self.workers} Ray workers ({self.name}-*) were lost")
            i = min(live, key=self._load.__getitem__)
            self._load[i] += 1
            try:
                out = await self._actors[i].complete.remote(body)
                break
            except ray.exceptions.ActorDiedError:  # dead past its restarts (or its node is gone)
                self._actors[i] = None
            except ray.exceptions.RayError as exc:  # the engine's backoff and retries take it from here
                raise TransportError(f"Ray worker {self.name}-{i}: {type(exc).__name__}") from None
            finally:
                self._load[i] -= 1
        if out[0] == "error":
            _, message, status, retry_after, refused = out
            raise TransportError(message, status=status, retry_after=retry_after, refused=refused)
        _, text, finish, tokens_in, tokens_out = out
        return Reply(text, finish, tokens_in, tokens_out)

    async def close(self) -> None:
        """Collect the workers' per-endpoint books, then end them."""
        if not self._actors:
            return
        if self.settings.members:
            parts = []
            for a in filter(None, self._actors):
                try:
                    parts.append(await a.books.remote())
                except ray.exceptions.RayError:  # a worker that died took its books with it
                    continue
            self._books = merge_books([p for p in parts if p])
        for a in filter(None, self._actors):
            ray.kill(a, no_restart=True)
        self._actors = []

    def books(self) -> dict[str, dict] | None:
        return self._books


def merge_books(parts: list[dict[str, dict]]) -> dict[str, dict]:
    """The fleet's books over all workers: counts add up, an endpoint is healthy if every worker says so."""
    out: dict[str, dict] = {}
    for part in parts:
        for url, b in part.items():
            if url not in out:
                out[url] = {**b, "failures": Counter(b["failures"])}
                continue
            acc = out[url]
            for k in ("requests", "ok", "tokens_in", "tokens_out", "cost_usd", "taken_out"):
                acc[k] += b[k]
            acc["healthy"] = acc["healthy"] and b["healthy"]
            acc["failures"].update(b["failures"])
    for b in out.values():
        b["failures"] = dict(b["failures"])
        b["cost_usd"] = round(b["cost_usd"], 6)
    return out
