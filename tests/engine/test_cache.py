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
