"""The shipped data files' one-entry-per-line format, read lazily (ssm_profile.iam.linedata)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssm_profile.iam import actiondata, linedata, managed

SHIPPED = [(actiondata.DATA_FILE, "services"), (managed.DATA_FILE, "policies")]


@pytest.mark.parametrize(("path", "section"), SHIPPED, ids=lambda v: getattr(v, "name", v))
def test_a_shipped_file_reads_lazily_as_the_json_it_is(path, section):
    whole = json.loads(path.read_text(encoding="utf-8"))
    head, entries = linedata.read(path, section)
    assert list(whole) == [*head, section]  # the section is the file's last key
    assert {**head, section: dict(entries)} == whole
    assert path.read_text(encoding="utf-8") == linedata.render(head, section, whole[section])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    head=st.dictionaries(st.text().filter(lambda k: k != "things"), JSON, max_size=3),
    entries=st.dictionaries(st.text(), JSON, max_size=5),
)
def test_render_then_read_gives_back_what_was_rendered(tmp_path_factory, head, entries):
    path = tmp_path_factory.mktemp("data") / "data.json"
    text = linedata.render(head, "things", entries)
    path.write_text(text, encoding="utf-8")
    assert json.loads(text) == {**head, "things": entries}
    assert text.count("\n") == len(entries) + 2  # one line per entry, the head and the end
    read_head, read_entries = linedata.read(path, "things")
    assert (read_head, dict(read_entries)) == (head, entries)


def test_only_the_entries_looked_up_are_decoded(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(linedata.render({"source": "x"}, "things", {"a": [1], "b": [2]}))
    _, entries = linedata.read(path, "things")
    assert ("a" in entries, list(entries), len(entries)) == (True, ["a", "b"], 2)
    assert entries["b"] == [2]
    assert entries._decoded == {"b": [2]}
    with pytest.raises(KeyError):
        entries["c"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"source":"x","things":{"a":1}}\n', id="one-line-json"),
        pytest.param('{"source":"x","other":{\n"a":1\n}}\n', id="another-section"),
        pytest.param('{"source":"x","things":{\nnot json\n}}\n', id="a-bad-line"),
        pytest.param('{"source":"x","things":{\n"a" 1\n}}\n', id="no-colon"),
    ],
)
def test_a_file_in_another_shape_is_one_error_naming_it(tmp_path, text):
    path = tmp_path / "data.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"data\.json.*regenerate it \(make data\)"):
        linedata.read(path, "things")
