"""goyaml: a scalar typed as gopkg.in/yaml.v2 types it, written back as yaml.v2 writes it,
and JSON as Go's encoding/json writes it.

The tables restate the Go sources: yaml.v2's resolve.go (the resolve table of YAML 1.1
booleans, nulls and special floats; ``strconv.ParseInt(plain, 0, 64)`` with underscores
removed, then ParseUint, then ``yamlStyleFloat``; no base 60), its encode.go (floats with
``FormatFloat(f, 'g', -1, 64)``, ``.inf``/``.nan``) and encoding/json (sorted keys, floats
in ``'f'`` form between 1e-6 and 1e21, ``<>&`` escaped).
"""

from __future__ import annotations

import math

import pytest

from ssm_profile.config import goyaml

# plain scalar -> the value yaml.v2 reads
PLAIN = {
    "1:20": "1:20",  # base 60 is not supported: text
    "190:20:30": "190:20:30",
    "0x1F": 31,
    "0X1f": 31,
    "0o17": 15,
    "017": 15,  # leading-zero octal
    "0b101": 5,
    "-0x10": -16,
    "08": 8.0,  # not octal, but a yamlStyleFloat
    "1_000": 1000,
    "0x_1F": 31,
    "+1": 1,
    "-0": 0,
    "10": 10,
    "9223372036854775807": 2**63 - 1,
    "18446744073709551615": 2**64 - 1,  # ParseUint
    "1.0": 1.0,
    "1.": 1.0,
    ".5": 0.5,
    ".5_0": 0.5,
    "1e3": 1000.0,
    "-1.5e-7": -1.5e-7,
    "1e400": "1e400",  # out of range: text
    "yes": True,
    "Yes": True,
    "YES": True,
    "y": True,
    "on": True,
    "ON": True,
    "true": True,
    "True": True,
    "no": False,
    "n": False,
    "Off": False,
    "FALSE": False,
    "tRUE": "tRUE",
    "yEs": "yEs",
    "~": None,
    "": None,
    "null": None,
    "Null": None,
    "nULL": "nULL",
    "2001-12-14": "2001-12-14",  # timestamps stay text (decoded into interface{})
    "2001-12-14T21:59:43.10Z": "2001-12-14T21:59:43.10Z",
    "<<": "<<",
    "abc": "abc",
    "1.2.3": "1.2.3",
    "0x": "0x",
    "_1": "_1",
}


@pytest.mark.parametrize("text", sorted(PLAIN), ids=repr)
def test_a_plain_scalar_is_typed_as_yaml_v2_types_it(text):
    value = goyaml.resolve(text)
    assert (type(value), value) == (type(PLAIN[text]), PLAIN[text])


@pytest.mark.parametrize(
    ("text", "expected"),
    [(".inf", math.inf), ("+.Inf", math.inf), ("-.INF", -math.inf)],
)
def test_the_special_floats(text, expected):
    assert goyaml.resolve(text) == expected


def test_nan():
    assert math.isnan(goyaml.resolve(".NaN"))


# (text, explicit tag) -> the value yaml.v2 reads
TAGGED = [
    ("0x1F", goyaml.STR, "0x1F"),
    ("yes", goyaml.STR, "yes"),
    ("0x1F", goyaml.INT, 31),
    ("1", goyaml.FLOAT, 1.0),  # an int under !!float becomes a float
    ("1.5", goyaml.FLOAT, 1.5),
    ("yes", goyaml.BOOL, True),
    ("~", goyaml.NULL, None),
]


@pytest.mark.parametrize(("text", "tag", "expected"), TAGGED)
def test_an_explicit_tag_is_resolved_as_yaml_v2_resolves_it(text, tag, expected):
    value = goyaml.resolve(text, tag)
    assert (type(value), value) == (type(expected), expected)


@pytest.mark.parametrize(
    ("text", "tag", "message"),
    [
        ("abc", goyaml.INT, "cannot decode !!str `abc` as a !!int"),
        ("1.5", goyaml.INT, "cannot decode !!float `1.5` as a !!int"),
        ("1", goyaml.BOOL, "cannot decode !!int `1` as a !!bool"),
        ("x", goyaml.NULL, "cannot decode !!str `x` as a !!null"),
        ("abc", goyaml.FLOAT, "cannot decode !!str `abc` as a !!float"),
        ("18446744073709551615", goyaml.FLOAT, "cannot decode !!int `18446744073709551615`"),
    ],
)
def test_a_scalar_its_tag_cannot_hold_is_refused_like_yaml_v2(text, tag, message):
    with pytest.raises(goyaml.ResolveError, match=message.replace("!", "\\!")):
        goyaml.resolve(text, tag)


# value -> the text yaml.v2 writes (FormatFloat 'g', shortest)
WRITTEN = [
    (True, "true"),
    (False, "false"),
    (None, ""),
    (31, "31"),
    (-5, "-5"),
    (1.0, "1"),
    (1.5, "1.5"),
    (100.0, "100"),
    (123456.0, "123456"),
    (1e6, "1e+06"),
    (1234567.0, "1.234567e+06"),
    (0.0001, "0.0001"),
    (1e-5, "1e-05"),
    (-0.0, "-0"),
    (1.5e300, "1.5e+300"),
    (math.inf, ".inf"),
    (-math.inf, "-.inf"),
    (math.nan, ".nan"),
    ("0x1F", "0x1F"),
]


@pytest.mark.parametrize(("value", "text"), WRITTEN, ids=repr)
def test_a_value_is_written_back_as_yaml_v2_writes_it(value, text):
    assert goyaml.yaml_text(value) == text


# value -> json.Marshal
JSON = [
    ({"b": 1, "a": 2}, '{"a":2,"b":1}'),
    ({"é": 1, "z": 2, "A": 3}, '{"A":3,"z":2,"é":1}'),
    ([1.0, 2.5, 1e20, 1e21], "[1,2.5,100000000000000000000,1e+21]"),
    ([1e-6, 1e-7, -0.0], "[0.000001,1e-7,-0]"),
    ([123456789.0, 0.1], "[123456789,0.1]"),
    ({"x": None, "y": True, "z": [False]}, '{"x":null,"y":true,"z":[false]}'),
    ("<a & b>", '"\\u003ca \\u0026 b\\u003e"'),
    ("\u2028\u2029", '"\\u2028\\u2029"'),
    ('é\n\t\x01"\\', '"é\\n\\t\\u0001\\"\\\\"'),
    (18446744073709551615, "18446744073709551615"),
]


@pytest.mark.parametrize(("value", "text"), JSON, ids=repr)
def test_json_is_written_as_go_json_marshal_writes_it(value, text):
    assert goyaml.to_json(value) == text


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, {"a": [math.inf]}])
def test_json_refuses_what_go_json_marshal_refuses(value):
    with pytest.raises(ValueError, match="json: unsupported value"):
        goyaml.to_json(value)
