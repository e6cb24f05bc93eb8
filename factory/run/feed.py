"""A record set as it is being made, for a stage that takes it one record at a time.

Stages hand each other records on disk; a feed only says, while the maker runs, which records
have just landed there, so a follower can ask for each as it lands instead of waiting for the
maker to finish. What the follower keeps is still decided by the maker's final file: a record
fed early may be dropped later (near-duplicates are judged over the whole set).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


class Feed:
    """Records appended to one record set in this run, in landing order; closed once it is final."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.closed = False
        self._news = asyncio.Event()

    def publish(self, records: list[dict]) -> None:
        self.records.extend(records)
        self._news.set()

    def close(self) -> None:
        self.closed = True
        self._news.set()

    async def final(self) -> None:
        """Until the maker closes the feed: the record set is final on disk."""
        while not self.closed:
            self._news.clear()
            await self._news.wait()

    async def batches(self) -> AsyncIterator[list[dict]]:
        """What landed since the last batch, until the maker closes the feed."""
        seen = 0
        while True:
            if seen < len(self.records):
                batch, seen = self.records[seen:], len(self.records)
                yield batch
            elif self.closed:
                return
            else:  # nothing new and not closed: checked and cleared in one step, so no news is lost
                self._news.clear()
                await self._news.wait()
