"""factory/run/unchanged.py: a stamp vouches for outputs only while nothing they came from changed."""

from factory.run.unchanged import Stamp, inputs_digest


def test_digest_follows_inputs_code_and_settings(tmp_path):
    code = tmp_path / "pkg"
    (code / "sub").mkdir(parents=True)
    (code / "sub" / "rules.py").write_text("X = 1\n")
    data = tmp_path / "samples.jsonl"
    data.write_text('{"id": "a"}\n')

    def digest(settings=None):
        return inputs_digest([data], [code], ["pydantic"], settings or {"k": 1})

    first = digest()
    assert digest() == first
    assert digest({"k": 2}) != first
    (code / "sub" / "rules.py").write_text("X = 2\n")
    second = digest()
    assert second != first
    data.write_text('{"id": "b"}\n')
    assert digest() != second
    data.unlink()
    assert digest() != second  # a missing input is an input too


def test_stamp_checks_every_output(tmp_path):
    out = tmp_path / "kept.jsonl"
    out.write_text("one\n")
    stamp = Stamp(tmp_path / ".inputs.json", "d1", [out])
    assert stamp.unchanged() is None  # never saved
    stamp.save({"kept": 1})
    assert stamp.unchanged() == {"kept": 1}
    assert Stamp(tmp_path / ".inputs.json", "d2", [out]).unchanged() is None  # other inputs
    out.write_text("two\n")
    assert stamp.unchanged() is None  # the output edited since
    out.unlink()
    assert stamp.unchanged() is None
