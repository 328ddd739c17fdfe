"""yamlfile.compose: a document composed from parser events, as yaml.v2 reads it, within
limits, with PyYAML's pure-Python parser and with libyaml's (the same results)."""

from __future__ import annotations

import itertools
import tracemalloc

import pytest
import yaml

from ssm_profile.config import yamlfile
from ssm_profile.config.yamlfile import Mapping, Scalar, Sequence, YamlError

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request):
    return request.param


def compose(text: str, loader) -> object:
    return yamlfile.compose(text, loader)


def problem(text: str, loader) -> YamlError:
    with pytest.raises(YamlError) as caught:
        compose(text, loader)
    return caught.value


def test_scalars_keep_their_text_beside_the_value_yaml_v2_reads(loader):
    root = compose("a: 1:20\nb: 0x1F\nc: '0x1F'\nd: yes\ne: ! 0x1F\nf: |\n  x\n", loader)
    assert root == {
        "a": Scalar("1:20", "1:20", True, 1),
        "b": Scalar("0x1F", 31, True, 2),
        "c": Scalar("0x1F", "0x1F", False, 3),
        "d": Scalar("yes", True, True, 4),
        "e": Scalar("0x1F", "0x1F", False, 5),  # the non-specific tag: a string
        "f": Scalar("x\n", "x\n", False, 6),
    }
    assert isinstance(root, Mapping) and root.key_lines == dict(
        zip("abcdef", range(1, 7), strict=True)
    )


def test_data_gives_plain_values(loader):
    root = compose("a: [1, 1.5, true, ~, x, {b: no}]\n", loader)
    assert yamlfile.data(root) == {"a": [1, 1.5, True, None, "x", {"b": False}]}
    assert isinstance(root["a"], Sequence) and root["a"].line == 1


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_document(text, loader):
    assert yamlfile.data(compose(text, loader)) is None


# document -> (line, path, fragment of the problem)
PROBLEMS = {
    "duplicate-top": ("a: 1\na: 2\n", 2, ("a",), "the key a is given twice (lines 1 and 2)"),
    "duplicate-nested": (
        "config:\n  x:\n    team: a\n    team: b\n",
        4,
        ("config", "x", "team"),
        "the key team is given twice (lines 3 and 4)",
    ),
    "duplicate-quoted": ("a: 1\n'a': 2\n", 2, ("a",), "given twice"),
    "duplicate-in-list": ("l:\n- {k: 1, k: 2}\n", 2, ("l", 0, "k"), "given twice"),
    "int-key": ("a:\n  1: x\n", 2, ("a",), "the key 1 is read as an integer, not a string"),
    "hex-key": ("a:\n  0x1F: x\n", 2, ("a",), "the key 0x1F is read as an integer (31)"),
    "bool-key": ("a:\n  yes: x\n", 2, ("a",), "read as a boolean (true)"),
    "null-key": ("a:\n  ~: x\n", 2, ("a",), "the key ~ is read as null"),
    "list-key": ("? [a]\n: x\n", 1, (), "a key is a list"),
    "merge": ("base: &b {x: 1}\nd:\n  <<: *b\n", 3, ("d",), "merge keys (<<) are not supported"),
    "binary": ("a: !!binary aGVsbG8=\n", 1, ("a",), "the tag !!binary is not supported"),
    "timestamp": ("a: !!timestamp 2030-01-01\n", 1, ("a",), "the tag !!timestamp"),
    "custom": ("a: !Ref x\n", 1, ("a",), "the tag !Ref is not supported"),
    "set": ("a: !!set {x, y}\n", 1, ("a",), "the tag !!set is not supported here"),
    "omap": ("a: !!omap [x: 1]\n", 1, ("a",), "the tag !!omap is not supported here"),
    "seq-on-map": ("a: !!seq {x: 1}\n", 1, ("a",), "the tag !!seq is not supported here"),
    "bad-int": ("a: !!int abc\n", 1, ("a",), "cannot decode !!str `abc` as a !!int"),
    "bad-bool": ("a: !!bool 1\n", 1, ("a",), "cannot decode !!int `1` as a !!bool"),
    "undefined-alias": ("a: *nowhere\n", 1, ("a",), "the alias *nowhere has no anchor before it"),
    "recursive-alias": ("a: &x [1, *x]\n", 1, ("a", 1), "the alias *x is inside its own anchor"),
    "recursive-map": ("a: &x {b: {c: *x}}\n", 1, ("a", "b", "c"), "inside its own anchor"),
    "second-document": ("a: 1\n---\nb: 2\n", 2, (), "holds a second YAML document"),
    "surrogate": ('a: "\\ud800"\n', 1, ("a",), ""),
    "tab": ("a:\n\tb: 1\n", 2, ("a",), "never tabs"),
    "unclosed": ("a: [1, 2\n", 2, ("a", 2), "is not valid YAML"),
    "bad-indent": ("a: 1\n b: 2\n", 2, (), "is not valid YAML"),
    "control-character": ("a: b\x07\n", 1, (), "#x0007"),
}


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_each_problem_is_one_error_with_its_line_and_path(case, loader):
    text, line, path, fragment = PROBLEMS[case]
    error = problem(text, loader)
    assert fragment in error.problem and "\n" not in error.problem
    if case == "surrogate":  # libyaml refuses the escape itself
        assert "surrogate" in error.problem or "invalid Unicode" in error.problem
    assert (error.line, error.path) == (line, path)


def test_a_later_anchor_of_the_same_name_wins_as_in_yaml_v2(loader):
    root = compose("a: &x 1\nb: &x 2\nc: *x\nd: &y [&y 3, *y]\n", loader)
    assert yamlfile.data(root) == {"a": 1, "b": 2, "c": 2, "d": [3, 3]}


def test_an_alias_shares_its_anchor_and_counts_at_its_expanded_size(loader):
    root = compose("a: &x {b: [1, 2]}\nc: *x\n", loader)
    assert root["c"] is root["a"]


def billion_laughs(levels: int) -> str:
    names = "abcdefghij"[:levels]
    lines = ["a: &a [x,x,x,x,x,x,x,x,x,x]"]
    lines += [f"{n}: &{n} [{','.join([f'*{p}'] * 10)}]" for p, n in itertools.pairwise(names)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_stops_at_the_node_limit_without_growing(loader):
    text = billion_laughs(9)  # 10**9 values once expanded, in under 500 bytes
    assert len(text.encode()) < 500
    tracemalloc.start()
    error = problem(text, loader)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert f"has more than {yamlfile.MAX_NODES:,} values" in error.problem
    assert error.line == 6  # e would bring the count past 200,000 values
    assert peak < 5_000_000


def test_aliases_just_under_the_limit_are_read(loader):
    root = compose(billion_laughs(5), loader)  # 10 + ... + 100,000 values and their lists
    assert len(yamlfile.data(root)["e"]) == 10


def test_nesting_deeper_than_the_limit_is_refused(loader):
    deep = "[" * (yamlfile.MAX_DEPTH + 1) + "]" * (yamlfile.MAX_DEPTH + 1)
    error = problem(f"a: {deep}\n", loader)
    assert f"nests more than {yamlfile.MAX_DEPTH} levels deep" in error.problem


def test_a_huge_nesting_stops_early_instead_of_exhausting_the_stack(loader):
    """PyYAML's composer recurses (RecursionError) and libyaml's overflows the C stack at
    100,000 levels; the event composer stops at MAX_DEPTH, after reading little."""
    error = problem("[" * 200_000, loader)
    assert "nests more than" in error.problem


def test_nesting_at_the_limit_is_read(loader):
    depth = yamlfile.MAX_DEPTH - 1  # below the top-level mapping
    root = compose(f"a: {'[' * depth}1{']' * depth}\n", loader)
    value = yamlfile.data(root)["a"]
    for _ in range(depth):
        value = value[0]
    assert value == 1
