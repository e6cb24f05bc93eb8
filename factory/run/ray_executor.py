"""`factory run --ray` / `executor: {kind: ray}`: a run's model requests go out from Ray workers.

What moves to the cluster and what does not:
- Requests: each engine's transport becomes a RayTransport (factory/engine/ray_transport.py):
  N actors, each with its own connections (and router, with `backend.endpoints`). Cache, seeds,
  parse budget, records, done-logs and run.json stay in this process, so a run on Ray writes
  the same files as a local one byte for byte and either can resume the other.
- The gate's MinHash signatures: computed in Ray tasks on shards of the texts (each text's
  signature depends on it alone), banded, verified and clustered here (exact when split).
Without the `ray` extra the local path never imports Ray, and asking for it is bad input.
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from factory.engine import Engine
from factory.recipe import RecipeError
from factory.recipe.blocks import ExecutorConfig
from factory.run.local import LazyLocalTransport
from factory.secrets import strip_credentials

if TYPE_CHECKING:  # numpy and the gate load when the gate runs on Ray, not with every `factory run`
    import numpy as np

    from factory.quality import dedup

RAY_MISSING = "--ray: Ray is not installed; install the `ray` extra: pip install 'factory[ray]'"
# below this many texts the gate hashes them here: shipping them to tasks costs more than hashing
MIN_TEXTS_ON_RAY = 20_000
CONNECT_TIMEOUT = 5.0  # seconds for the address check before ray.init


def chosen(config: ExecutorConfig, flag: str | None) -> ExecutorConfig | None:
    """The executor for this run: `--ray [ADDRESS]` beats the recipe; None means local."""
    if flag is not None:
        return config.model_copy(update={"kind": "ray", "address": flag or config.address})
    return config if config.kind == "ray" else None


def require_ray(config: ExecutorConfig) -> None:
    """Fail before anything is touched when Ray is not installed or its address does not answer (exit 2).

    ray.init retries an address that does not answer for minutes; one TCP connect says it in seconds.
    """
    try:
        import ray
    except ImportError:
        raise RecipeError(RAY_MISSING) from None
    address = config.address or os.environ.get("RAY_ADDRESS") or ""
    hostport = address.split("://", 1)[-1]
    if ray.is_initialized() or not hostport or hostport == "auto" or ":" not in hostport:
        return
    host, _, port = hostport.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except (OSError, ValueError) as exc:
        where = strip_credentials(address)
        raise RecipeError(f"executor.address: no Ray cluster answers at {where} ({exc})") from None


def on_ray(
    config: ExecutorConfig, name: str, engine: Engine, judge: Engine, log: Callable[[str], None]
) -> RayCluster:
    """Refuse a model this process serves, join Ray, and put the run's engines on it.

    On failure the run's cache is closed here: the pipeline's own cleanup has not begun yet.
    """
    try:
        for eng in (engine, judge):
            if isinstance(eng.transport, LazyLocalTransport):
                raise RecipeError(
                    "executor: ray sends requests from Ray workers, which cannot reach the model this "
                    "process serves: name an endpoint (backend.base_url / endpoints, --base-url)"
                )
        cluster = RayCluster(config, name, log)
    except BaseException:
        engine.cache.close()
        raise
    cluster.attach(engine, "gen")
    if judge is not engine:
        cluster.attach(judge, "judge")
    return cluster


class RayCluster:
    """Joins (or starts) a Ray instance for one run and puts the run's engines on it."""

    def __init__(self, config: ExecutorConfig, name: str, log: Callable[[str], None]):
        import ray

        self.config = config
        self.name = f"factory-{name}-{os.getpid()}"
        self.owned = not ray.is_initialized()  # a caller's instance (tests, notebooks) is left running
        if self.owned:
            try:
                ray.init(
                    address=config.address or None,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = strip_credentials(config.address or "a new local instance")
                raise RecipeError(f"executor.address: cannot start or reach Ray at {where}: {exc}") from None
        cpus = ray.cluster_resources().get("CPU", 0)
        log(f"ray: {config.workers} workers on a cluster of {cpus:g} CPUs")

    def attach(self, engine: Engine, role: str) -> None:
        """Send this engine's calls through Ray workers (its own connections are never opened)."""
        from factory.engine.ray_transport import RayTransport

        engine.transport = RayTransport(engine.settings, self.config.workers, f"{self.name}-{role}")

    @contextmanager
    def gate_on_ray(self) -> Iterator[None]:
        """The gate's MinHash signatures in Ray tasks while the run is inside this block."""
        from factory.quality import dedup

        token = dedup.SIGNATURES.set(lambda texts, p: ray_band_keys(texts, p, self.config.workers))
        try:
            yield
        finally:
            dedup.SIGNATURES.reset(token)

    def record(self) -> dict:
        """What run.json says about where the requests ran (no credentials)."""
        address = self.config.address and strip_credentials(self.config.address)
        return {"kind": "ray", "address": address, "workers": self.config.workers}

    def shutdown(self) -> None:
        import ray

        if self.owned:
            ray.shutdown()


def ray_band_keys(texts: Sequence[str], p: dedup.LshParams, shards: int) -> tuple[np.ndarray, np.ndarray]:
    """dedup.band_keys over shards of `texts` in Ray tasks, joined in order: equal to the local result."""
    import numpy as np

    from factory.quality import dedup

    if len(texts) < MIN_TEXTS_ON_RAY:
        return dedup.band_keys(texts, p)
    import ray

    task = ray.remote(num_cpus=1)(dedup.band_keys)
    size = math.ceil(len(texts) / max(1, shards))
    parts = ray.get([task.remote(list(texts[lo : lo + size]), p) for lo in range(0, len(texts), size)])
    return np.concatenate([k for k, _ in parts], axis=1), np.concatenate([h for _, h in parts])
