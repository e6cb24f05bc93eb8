"""The one way factory talks to a model. Knows nothing about role-play."""

from .cache import RequestCache, cache_key
from .core import EndpointSettings, Engine
from .stats import Accounting, CombinedAccounting, Prices, StageStats
from .structured import extract_json, response_format
from .types import CacheDamaged, ParseError, Reply, Request, Result, RunAborted, TransportError

__all__ = [
    "Accounting",
    "CacheDamaged",
    "CombinedAccounting",
    "Engine",
    "EndpointSettings",
    "ParseError",
    "Prices",
    "Reply",
    "Request",
    "RequestCache",
    "Result",
    "RunAborted",
    "StageStats",
    "TransportError",
    "cache_key",
    "extract_json",
    "response_format",
]
