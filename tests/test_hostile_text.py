"""Nothing in the input can forge what a reviewer reads (docs/review.md, Hostile text).

A hostile string (CR, LF, ``<!--``, links, pipes, backticks, ESC sequences, bidi overrides,
lone surrogates, ...) is put wherever input text reaches a rendering: project and stack names,
resource names and types, input keys and values, Condition values inside policy documents,
outputs. The markdown is parsed with a real CommonMark parser (markdown-it-py, GitHub's table
extension); it must have exactly the tokens of the same rendering with a harmless value, with
the hostile value intact, and escaped, inside its code spans and fenced blocks only. The text
for a terminal must have exactly as many lines, none of them holding a character that does not
show as itself.
"""

from __future__ import annotations

import copy
import functools
import html
import importlib.util
import json
import re
from typing import Any

import pytest
from helpers import POLICY, PROFILE, REPO, ROLE
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import SsmProfileError, visible
from ssm_profile.offline import report
from ssm_profile.offline.diff import diff_plans, to_markdown, to_text
from ssm_profile.offline.diff.render import detail_lines
from ssm_profile.offline.markdown import EMPTY, md_code, md_document, md_name
from ssm_profile.offline.plan import run_program

# What markdown, HTML, GitHub's autolinks and terminals make something of.
PIECES = [
    *"`|\\<>![]()*_#~&:@./-=+ \t\r\n\b\x00\x7f",
    "<!--",
    "-->",
    "```",
    "~~~",
    "> [!CAUTION]",
    "# ",
    "1. ",
    "[a](https://evil.example)",
    "<https://evil.example>",
    "https://evil.example",
    "www.evil.example",
    "a@evil.example",
    "&#x202e;",
    "&lt;",
    "<script>",
    "<br>",
    "\r\n",
    "\x1b[2J",
    "\x1b]8;;https://evil.example\x07",
    "\x9b",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\U000e0041",
    "\ud800",
    "é",
    "文",
]
hostile = st.lists(
    st.sampled_from(PIECES) | st.text(st.characters(exclude_categories=()), max_size=3),
    min_size=1,
    max_size=10,
).map("".join)
# The harmless value of the same shape: md_name shows it as code, like a hostile one.
HARMLESS = "x.y"


def parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def flat(tokens: list[Token]) -> list[Token]:
    """Block tokens with their inline children, in reading order."""
    found = []
    for token in tokens:
        found.append(token)
        found += token.children or []
    return found


def shown_line(text: str) -> bool:
    """No character in ``text`` hides or moves anything, nor breaks the line."""
    return text.isprintable()


def shown(text: str) -> bool:
    """Lines of which no character hides or moves anything."""
    return all(shown_line(line) for line in text.split("\n"))


def substitute(value: Any, h: str) -> Any:
    """``value`` with every string HARMLESS, and every JSON document holding it, given ``h``."""
    if isinstance(value, str):
        inner = value.replace(json.dumps(HARMLESS), json.dumps(h))
        return h if value == HARMLESS else inner
    if isinstance(value, list):
        return [substitute(v, h) for v in value]
    if isinstance(value, dict):
        return {substitute(k, h): substitute(v, h) for k, v in value.items()}
    return value


_HARMLESS = re.compile(re.escape(json.dumps(HARMLESS)) + "|" + re.escape(HARMLESS))


def expected(content: str, h: str) -> str:
    """What a code span or fence of the harmless rendering holds with ``h`` instead: ``h``
    itself, or as JSON where the harmless value is quoted, each line escaped."""
    quoted = json.dumps(h, ensure_ascii=False)

    def swap(match: re.Match[str]) -> str:
        return quoted if match.group().startswith('"') else h

    return "\n".join(visible(_HARMLESS.sub(swap, line)) for line in content.split("\n"))


@functools.lru_cache(maxsize=4)
def harmless_tokens(markdown: str) -> list[Token]:
    return flat(parse(markdown))


def assert_same_markdown(harmless: str, forged: str, h: str) -> None:
    """``forged`` has the tokens of ``harmless``: the same blocks, cells, text and markup;
    only code spans and fenced blocks differ, holding ``h`` escaped."""
    want, got = harmless_tokens(harmless), flat(parse(forged))
    assert [t.type for t in got] == [t.type for t in want]
    for a, b in zip(want, got, strict=True):
        if a.type == "code_inline":
            assert b.content == expected(a.content, h)
        elif a.type == "fence":  # the diff's lines end without trailing spaces
            lines = expected(a.content.rstrip("\n"), h).split("\n")
            assert b.content.rstrip("\n").split("\n") == [line.rstrip(" ") for line in lines]
            assert b.info == a.info
        elif a.type in ("text", "html_inline", "html_block"):
            assert b.content == a.content


@functools.cache
def _prod_plan() -> dict[str, Any]:
    return run_program(load_stack("prod", REPO / "stacks", REPO)).to_json()


def _with_condition(document: str, value: str) -> str:
    doc = json.loads(document)
    doc["Statement"][0]["Condition"] = {"StringEquals": {"aws:ResourceTag/team": value}}
    return json.dumps(doc)


@functools.cache
def _harmless_plan() -> dict[str, Any]:
    plan = copy.deepcopy(_prod_plan())
    plan["project"] = plan["stack"] = HARMLESS
    for resource in plan["resources"]:
        resource["inputs"][HARMLESS] = HARMLESS
        if resource["type"] == ROLE:
            resource["name"] = HARMLESS
            resource["inputs"]["description"] = HARMLESS
            resource["inputs"]["tags"] = {HARMLESS: HARMLESS}
        if resource["type"] == POLICY:
            resource["inputs"]["policy"] = _with_condition(resource["inputs"]["policy"], HARMLESS)
    plan["outputs"][HARMLESS] = [HARMLESS, HARMLESS]
    return plan


def harmless_plan() -> dict[str, Any]:
    """The prod plan with HARMLESS wherever input text reaches a rendering."""
    return copy.deepcopy(_harmless_plan())


def _hostile_values(h: str) -> bool:
    """Whether ``h`` renders like HARMLESS: as code (an empty or plain name does not)."""
    return bool(h) and md_name(h) != h


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile.filter(_hostile_values))
@example("a\r| b | c |")
@example("<!-- hide the rest")
@example("x`[click](https://evil.example)`")
@example("\x1b[2K\r+ aws:iam/role:Role  forged")
@example("\u202eevil\u2066")
def test_a_hostile_value_stays_inside_its_code_span_in_the_markdown_plan(h):
    plain = harmless_plan()
    forged = substitute(plain, h)
    assert_same_markdown(report.to_markdown(plain), report.to_markdown(forged), h)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
@example("x\n+ aws:iam/role:Role  forged")
@example("\x1b[1A\x1b[2K")
def test_a_hostile_value_adds_no_line_to_the_text_plan(h):
    plain = report.to_text(harmless_plan())
    forged = report.to_text(substitute(harmless_plan(), h))
    assert len(forged.split("\n")) == len(plain.split("\n"))
    assert shown(forged)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_the_json_plan_shows_every_character_and_is_the_same_json(h):
    plan = substitute(harmless_plan(), h)
    text = report.RENDERERS["json"](plan)
    assert shown(text)
    assert json.loads(text) == plan
    assert text.count("\n") == report.RENDERERS["json"](harmless_plan()).count("\n")


def harmless_diff_plans() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two plans of different stacks whose differences touch every part of the diff: a role
    replaced (a CAUTION), a policy statement changed and one added, an input added, removed
    and changed, a resource added, outputs changed. (The diff sorts input keys, so a hostile
    key is the only change of its resource.)"""
    old = harmless_plan()
    new = copy.deepcopy(old)
    new["stack"] = "x.z"
    for resource in new["resources"]:
        if resource["type"] == ROLE:
            resource["inputs"]["name"] = HARMLESS
            resource["inputs"]["description"] = {HARMLESS: HARMLESS}
        if resource["type"] == PROFILE:
            del resource["inputs"][HARMLESS]
        if resource["type"] == POLICY:
            doc = json.loads(resource["inputs"]["policy"])
            doc["Statement"][0]["Condition"]["StringEquals"]["aws:ResourceTag/team"] = [
                HARMLESS,
                "other",
            ]
            doc["Statement"].append({**doc["Statement"][0], "Sid": "Added"})
            resource["inputs"]["policy"] = json.dumps(doc)
            resource["inputs"]["added"] = HARMLESS
    added = copy.deepcopy(new["resources"][-1])
    added.update(urn=f"{added['urn']}-added", name=HARMLESS)
    new["resources"].append(added)
    new["outputs"][HARMLESS] = HARMLESS
    return old, new


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile.filter(_hostile_values))
@example("REPLACES `x` [click](https://evil.example)")
@example("a\n> [!CAUTION]\n> all is well")
@example("x\n+  aws:iam/role:Role forged (add)")
def test_a_hostile_value_stays_inside_its_code_span_in_the_markdown_diff(h):
    old, new = harmless_diff_plans()
    plain = diff_plans(old, new)
    forged = diff_plans(substitute(old, h), substitute(new, h))
    assert plain.alerts
    assert_same_markdown(to_markdown(plain), to_markdown(forged), h)
    quotes = [t for t in parse(to_markdown(forged)) if t.type == "blockquote_open"]
    assert len(quotes) == len(forged.alerts) + forged.risk.has("broadening")  # + access broadens


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
@example("x\n+  aws:iam/role:Role forged (add)")
@example("ok\rREPLACES nothing")
def test_a_hostile_value_adds_no_line_to_the_text_diff(h):
    old, new = harmless_diff_plans()
    plain, forged = diff_plans(old, new), diff_plans(substitute(old, h), substitute(new, h))
    assert len(detail_lines(forged)) == len(detail_lines(plain))
    text = to_text(forged)
    assert len(text.split("\n")) == len(to_text(plain).split("\n"))
    assert shown(text)


@pytest.mark.parametrize(
    ("text", "shown_as"),
    [
        ("", EMPTY),
        (" ", "` `"),
        ("a ", "` a  `"),
        (" a", "`  a `"),
        ("`", "`` ` ``"),
        ("a``b", "```a``b```"),
        ("a\r\nb", "`a\\r\\nb`"),
    ],
)
def test_an_inline_code_span_shows_exactly_its_text(text, shown_as):
    assert md_code(text) == shown_as
    if text:
        (paragraph,) = [t for t in parse(shown_as) if t.type == "inline"]
        (code,) = paragraph.children
        assert code.content == visible(text)


@pytest.mark.parametrize("name", ["prod", "ssm-profile", "eu-west-1", "Stack2"])
def test_a_name_of_letters_digits_and_hyphens_stays_plain(name):
    assert md_name(name) == name


@pytest.mark.parametrize("name", ["www.evil.example", "a_b_", "a@b.example", "x:y", "", "é"])
def test_any_other_name_becomes_code(name):
    assert md_name(name) == md_code(name)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=())))
def test_visible_leaves_nothing_hidden_and_changes_nothing_shown(text):
    escaped = visible(text)
    assert shown_line(escaped)
    assert visible(escaped) == escaped
    if shown_line(text):
        assert escaped == text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=())),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(st.characters(exclude_categories=())), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_visible_lines_of_pretty_json_are_the_same_json(value):
    text = json.dumps(value, indent=2, ensure_ascii=False)
    escaped = "\n".join(visible(line) for line in text.split("\n"))
    assert shown(escaped)
    assert json.loads(escaped) == value


@pytest.mark.parametrize(
    "message",
    [
        "plugin raised ValueError: \x1b[2J\x1b[H all good",
        "bad\rgood",
        "\u202eevil",
        "a\nb\x85c\u2028d",
        "\ud800",
    ],
)
def test_an_error_is_one_line_that_shows_every_character(message):
    assert shown_line(str(SsmProfileError(message)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8),
    st.integers(min_value=60, max_value=200),
)
def test_a_long_document_keeps_whole_leading_blocks_and_says_it_was_cut(blocks, limit):
    note = "*cut*"
    text = md_document(blocks, limit, lambda length: note)
    full = "\n\n".join(blocks) + "\n"
    if len(full) <= limit:
        assert text == full
        return
    assert len(text) <= limit
    assert text in ["\n\n".join([*blocks[:kept], note]) + "\n" for kept in range(len(blocks))]


def test_config_values_reach_the_markdown_plan_intact_and_inert(plan_stack):
    description = "caf\u00e9 | x\r| forged | row |"
    activation = "<!-- [click](https://evil.example) \x1b[2J \u202e ` ``"
    plan = plan_stack(
        {
            "mode": "hybrid",
            "description": description,
            "activation": {"registrationLimit": 2, "description": activation},
        }
    ).to_json()
    tokens = flat(parse(report.to_markdown(plan)))
    codes = [t.content for t in tokens if t.type == "code_inline"]
    assert visible(description) in codes and visible(activation) in codes
    assert not [t for t in tokens if t.type in ("link_open", "html_block", "image")]
    assert {t.content for t in tokens if t.type == "html_inline"} == {"<br>"}
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == len(plan["resources"]) + 1 + len(plan["outputs"]) + 1


def load_review_script() -> Any:
    spec = importlib.util.spec_from_file_location("review_plans", REPO / ".ci" / "review_plans.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVIEW = load_review_script()


stack_names = st.lists(
    st.sampled_from([*"-->!<`ab.%&|", "--", "-->", "--!>", "</details>", "\n", "\r", " "]),
    max_size=8,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(stack_names)
@example("x -->[click](https://evil.example)<!--")
@example("a</summary></details>\n\n# forged")
@example("a | b")
def test_a_stack_name_stays_in_its_row_and_its_section_of_the_roll_up(stack):
    review = REVIEW.stack_review(stack, None, None, None, None, "ssm-profile")
    comment = REVIEW.rollup([review], "<sub>footer</sub>", REVIEW.GITHUB_COMMENT_LIMIT)
    tokens = parse(comment)
    assert tokens[0].type == "html_block" and tokens[0].content == REVIEW.MARKER + "\n"
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 5  # one row, five cells: the name cannot add a column or a row
    codes = [t.content for t in flat([cells[0]]) if t.type == "code_inline"]
    assert codes == ([visible(stack)] if stack else [])  # an empty name shows as *(empty)*
    sections = [t.content for t in tokens if t.type == "html_block" and "<details>" in t.content]
    (section,) = sections
    shown = section.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert html.unescape(shown) == visible(f"{stack}: stack file removed")
    closing = [t for t in tokens if t.type == "html_block" and "</details>" in t.content]
    assert [t.content for t in closing] == ["</details>\n"]  # its own, once
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 2  # the roll-up's and the section's: the name adds none
    assert tokens[-2].content == "<sub>footer</sub>"


def test_a_failing_plan_is_shown_whole_in_its_comment_whatever_it_prints():
    error = "error: stack x: ```\n</details><!--\r[click](https://evil.example)\n\x1b[2J"
    review = REVIEW.stack_review("x y", None, None, None, error, "ssm-profile")
    body = review.body
    assert (review.changed, review.failed) == (True, True)
    tokens = parse(body)
    (heading,) = [t for t in flat(tokens) if t.type == "code_inline"]
    assert heading.content == "x y"
    (fence,) = [t for t in tokens if t.type == "fence"]
    assert fence.content == "\n".join(visible(line) for line in error.split("\n")) + "\n"
    assert [t.type for t in tokens if t.type not in ("inline",)] == [
        "heading_open",
        "heading_close",
        "fence",
    ]


def test_a_plan_too_long_for_a_comment_keeps_whole_blocks_and_says_so():
    plan = harmless_plan()
    policy = next(r for r in plan["resources"] if r["type"] == POLICY)
    policy["inputs"]["policy"] = "```\n" + "not json, and very long\n\n" * 5000
    body = REVIEW.stack_review("prod", None, plan, "error: base fails", None, "p").body
    assert len(body) <= REVIEW.COMMENT_LIMIT
    tokens = parse(body + "\n<sub>footer</sub>\n")
    assert tokens[-2].content == "<sub>footer</sub>"  # not swallowed by an open fence
    assert "too long for a comment" in body
