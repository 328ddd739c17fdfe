"""What Go makes of a YAML scalar: the rules of ``gopkg.in/yaml.v2`` and ``encoding/json``.

The Pulumi CLI reads ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` with yaml.v2 (its
``sdk/go/common/encoding/marshal.go``) and hands the program objects as ``json.Marshal``
writes them. :func:`resolve` types a scalar as yaml.v2's ``resolve()`` does,
:func:`yaml_text` is the text yaml.v2 writes for a typed scalar, and :func:`to_json` is
``json.Marshal``. Pure functions, no Pulumi import.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

STR, INT, FLOAT, BOOL, NULL = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)
# the explicit scalar tags yaml.v2 resolves (``resolvableTag``); !!timestamp is refused upstream
SCALAR_TAGS = (STR, INT, FLOAT, BOOL, NULL)
_SHORT = {STR: "!!str", INT: "!!int", FLOAT: "!!float", BOOL: "!!bool", NULL: "!!null"}

# yaml.v2's resolve table: YAML 1.1 booleans (y, yes, on ...), nulls and the special floats
_WORDS: dict[str, tuple[str, Any]] = {
    **{w: (BOOL, True) for w in "y Y yes Yes YES true True TRUE on On ON".split()},
    **{w: (BOOL, False) for w in "n N no No NO false False FALSE off Off OFF".split()},
    **{w: (NULL, None) for w in ("", "~", "null", "Null", "NULL")},
    **{w: (FLOAT, math.nan) for w in (".nan", ".NaN", ".NAN")},
    **{w: (FLOAT, math.inf) for w in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{w: (FLOAT, -math.inf) for w in ("-.inf", "-.Inf", "-.INF")},
}
_WORD_START = set("yYnNtTfFoO~")
_NUMBER_START = set("+-0123456789")
# yaml.v2's ``yamlStyleFloat``; the text must also parse with Go's strconv.ParseFloat
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# strconv.ParseFloat of a text that begins with "." (digits may be separated by one "_")
_DOT_FLOAT = re.compile(r"\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?")
# strconv.ParseInt(s, 0, 64): sign, then 0x / 0b / 0o / leading-0 octal / decimal digits
_GO_INT = re.compile(
    r"(?P<sign>[+-]?)(0[xX](?P<hex>[0-9a-fA-F]+)|0[bB](?P<bin>[01]+)|0[oO](?P<oct>[0-7]+)"
    r"|(?P<zero>0[0-7]*)|(?P<dec>[1-9][0-9]*))"
)
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(2**64)


class ResolveError(ValueError):
    """yaml.v2's ``cannot decode !!str `abc` as a !!int``."""


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), else ParseUint(text, 0, 64) (no sign), else None."""
    match = _GO_INT.fullmatch(text)
    if not match:
        return None
    base, digits = next(
        (b, match[g])
        for g, b in (("hex", 16), ("bin", 2), ("oct", 8), ("zero", 8), ("dec", 10))
        if match[g]
    )
    if len(digits.lstrip("0_")) > 64:  # beyond 64 bits in any base: ParseInt's range error
        return None
    number = int(digits, base) * (-1 if match["sign"] == "-" else 1)
    if number in _INT64 or (not match["sign"] and number in _UINT64):
        return number
    return None


def _go_float(text: str) -> float | None:
    """strconv.ParseFloat of an already well-formed decimal text; None when out of range."""
    number = float(text.replace("_", ""))
    return None if math.isinf(number) else number


def _resolve_plain(text: str) -> tuple[str, Any]:
    """yaml.v2 ``resolve("", text)``: the tag and value of a plain scalar."""
    first = text[:1]
    if first in _WORD_START or first in _NUMBER_START or first in ("", "."):
        if text in _WORDS:
            return _WORDS[text]
    if first == "." and _DOT_FLOAT.fullmatch(text) and (number := _go_float(text)) is not None:
        return FLOAT, number
    if first in _NUMBER_START:
        # timestamps are tried first but stay text either way (yaml.v2 keeps them as strings)
        plain = text.replace("_", "")
        if (integer := _go_int(plain)) is not None:
            return INT, integer
        if _YAML_FLOAT.fullmatch(plain) and (number := _go_float(plain)) is not None:
            return FLOAT, number
    return STR, text


def resolve(text: str, tag: str | None = None) -> Any:
    """The value yaml.v2 reads from a scalar: ``tag`` None for a plain scalar, else one of
    :data:`SCALAR_TAGS` (explicit, or ``STR`` for a quoted or block scalar)."""
    if tag == STR:
        return text
    found, value = _resolve_plain(text)
    if tag is None or found == tag:
        return value
    if tag == FLOAT and found == INT and value in _INT64:
        return float(value)
    raise ResolveError(f"cannot decode {_SHORT[found]} `{text}` as a {_SHORT[tag]}")


def _digits(number: float) -> tuple[str, str, int]:
    """Go's shortest decimal digits of ``number``: sign, digits, decimal point position."""
    _, digits, exponent = Decimal(repr(abs(number))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    point = len(digits) + int(exponent)
    return ("-" if math.copysign(1, number) < 0 else ""), text, (point if text else 0)


def _fixed(sign: str, digits: str, point: int) -> str:
    """strconv's %f with the shortest digits."""
    if not digits:
        return f"{sign}0"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _exponent(sign: str, digits: str, point: int) -> str:
    """strconv's %e with the shortest digits (exponent of at least two digits)."""
    digits = digits or "0"
    power = point - 1 if digits != "0" else 0
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"


def yaml_text(value: Any) -> str:
    """The text yaml.v2 writes for a scalar it read as ``value`` (``yaml.Marshal``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        sign, digits, point = _digits(value)
        # FormatFloat(f, 'g', -1, 64): %e when the exponent is < -4 or >= 6 (shortest form)
        power = point - 1 if digits else -1
        if power < -4 or power >= 6:
            return _exponent(sign, digits, point)
        return _fixed(sign, digits, point)
    return "" if value is None else str(value)


def _json_float(number: float) -> str:
    if not math.isfinite(number):
        raise ValueError(f"json: unsupported value: {yaml_text(number)}")
    sign, digits, point = _digits(number)
    if number != 0 and not 1e-6 <= abs(number) < 1e21:
        text = _exponent(sign, digits, point)
        return re.sub(r"e-0(\d)$", r"e-\1", text)  # encoding/json writes e-7, not e-07
    return _fixed(sign, digits, point)


_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def to_json(value: Any) -> str:
    """``json.Marshal`` of a value read by yaml.v2: compact, map keys sorted, ``<>&``
    escaped, whole floats without a fraction (``1.0`` -> ``1``)."""
    if isinstance(value, dict):
        items = (f"{to_json(key)}:{to_json(value[key])}" for key in sorted(value))
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).translate(_HTML)
    return json.dumps(value)  # bool, int, None
