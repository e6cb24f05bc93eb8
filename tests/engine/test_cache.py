import sqlite3
import time

from factory.engine import Reply, RequestCache, cache_key

MSGS = [{"role": "user", "content": "hi"}]


def test_cache_persists_across_instances(tmp_path):
    path = tmp_path / "cache.sqlite"
    c = RequestCache(path)
    key = cache_key("m", "openai", MSGS, {"temperature": 0.5}, None, 0)
    assert c.get(key) is None
    c.put(key, Reply("hello", "stop", 3, 1))
    assert c.get(key).text == "hello"  # visible before the writer thread commits
    c.close()
    c2 = RequestCache(path)
    got = c2.get(key)
    assert got == Reply("hello", "stop", 3, 1)
    assert len(c2) == 1
    c2.close()


def test_key_covers_what_changes_the_request():
    base = cache_key("m", "openai", MSGS, {"temperature": 0.5}, None, 0)
    assert base == cache_key("m", "openai", [dict(m) for m in MSGS], {"temperature": 0.5}, None, 0)
    assert base != cache_key("m2", "openai", MSGS, {"temperature": 0.5}, None, 0)
    assert base != cache_key("m", "llamacpp", MSGS, {"temperature": 0.5}, None, 0)
    assert base != cache_key("m", "openai", MSGS, {"temperature": 0.7}, None, 0)
    assert base != cache_key("m", "openai", MSGS, {"temperature": 0.5}, {"type": "object"}, 0)
    assert base != cache_key("m", "openai", MSGS, {"temperature": 0.5}, None, 1)
    assert base != cache_key("m", "openai", MSGS, {"temperature": 0.5}, None, 0, attempt=1)


def test_many_writes_are_batched_and_all_land(tmp_path):
    c = RequestCache(tmp_path / "c.sqlite")
    for i in range(500):
        c.put(f"k{i}", Reply(str(i), "stop"))
    assert len(c) == 500
    c.close()


def test_keys_are_those_existing_caches_hold():
    """Keys computed by the code that wrote today's caches: a change here re-asks every request."""
    msgs = [{"role": "system", "content": "Sé breve."}, {"role": "user", "content": '你好 "quoted"'}]
    params = {"temperature": 0.5, "max_tokens": 64, "seed": 7}
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert (
        cache_key("m", "openai", msgs, params, schema, 2, attempt=1)
        == "01f350532c597738c411f11d64ab93eae56697ff26b64f93c8998ac5d58b9c17"
    )
    assert cache_key("m", "openai", MSGS, {}, None, 0) == (
        "321213e76d9afdd2fccc9e8ff2f69876d8c1ed5e836a73ee5d69be80103eaff8"
    )


def _rows(path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
    finally:
        conn.close()


def test_a_put_waits_for_a_full_batch_or_the_interval_not_a_wake_up_each(tmp_path):
    path = tmp_path / "c.sqlite"
    c = RequestCache(path, batch=4, interval=60.0)
    for i in range(3):
        c.put(f"k{i}", Reply(str(i), "stop"))
    time.sleep(0.3)
    assert _rows(path) == 0  # below a batch: the writer still sleeps
    assert c.get("k1") == Reply("1", "stop")  # yet every put is visible at once
    c.put("k3", Reply("3", "stop"))  # the batch is full: the writer wakes
    deadline = time.monotonic() + 10
    while _rows(path) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _rows(path) == 4
    c.put("k4", Reply("4", "stop"))
    c.flush()  # a flush does not wait for the interval either
    assert _rows(path) == 5
    c.close()


def test_misses_skip_sqlite_once_the_first_miss_indexed_the_keys(tmp_path):
    path = tmp_path / "c.sqlite"
    c = RequestCache(path)
    c.put("old", Reply("o", "stop"))
    c.close()
    c = RequestCache(path)
    statements: list[str] = []
    c._read.set_trace_callback(statements.append)
    assert c.get("old") == Reply("o", "stop") and len(statements) == 1  # a hit: no index built
    assert c.get("nope") is None  # the first miss asks SQLite, then indexes the keys
    statements.clear()
    assert c.get("nope2") is None and c.get("nope3") is None
    assert statements == []
    c.put("new", Reply("n", "stop"))
    c.flush()  # committed: out of the pending dict, into the index
    assert c.get("new") == Reply("n", "stop") and c.get("old") == Reply("o", "stop")
    assert len(statements) == 2
    c.close()
