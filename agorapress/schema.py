"""Declared schemas checked with pydantic, with every failure turned into a Problem with a line."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from .problems import Problem, did_you_mean
from .yamlstrict import YamlDocument, dotted

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A schema that refuses unknown keys; fields carry their documentation."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$")


def _moment(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date like 2026-03-14 or a date-time like \"2026-03-14T19:00\"")
    text = value.strip()
    try:
        if _DATE.match(text):
            return date.fromisoformat(text)
        if _DATETIME.match(text):
            return datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a real date: {exc}") from None
    raise ValueError("expected a date like 2026-03-14 or a date-time like \"2026-03-14T19:00\"")


#: A date or a date-time (naive means: in the portal's time zone).
Moment = Annotated[date | datetime, BeforeValidator(_moment)]


def _one_line(value: str) -> str:
    if any(ch in value for ch in "\r\n"):
        raise ValueError("must fit on one line")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


#: Text that fits on one line (titles, names): no CR/LF can reach a header, a feed or a calendar.
Line = Annotated[str, AfterValidator(_one_line)]

_HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_TAG = re.compile(r"^[\w][\w -]{0,48}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")


def _matching(regex: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(what)
        return value

    return AfterValidator(check)


Handle = Annotated[str, _matching(_HANDLE, "a handle is lowercase ASCII letters, digits and hyphens")]
Slug = Annotated[str, _matching(_SLUG, "a slug is lowercase ASCII letters, digits and hyphens")]
Tag = Annotated[str, _matching(_TAG, "a tag is a word or a few words, without punctuation")]
Lang = Annotated[str, _matching(_LANG, "a language code such as 'fr' or 'en'")]


def _web_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("expected an http:// or https:// address")
    return value


def _link_url(value: str) -> str:
    if value.lower().startswith("mailto:") and "@" in value and not re.search(r"\s", value):
        return value
    return _web_url(value)


WebUrl = Annotated[str, AfterValidator(_web_url)]
LinkUrl = Annotated[str, AfterValidator(_link_url)]


def validate(model: type[M], doc: YamlDocument, path: str, rule_prefix: str = "schema") -> tuple[M | None, list[Problem]]:
    """Check `doc.data` against `model`; return the object (or None) and every problem, with lines."""
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        line = doc.line_of(())
        return None, [Problem(path, line, f"{rule_prefix}-type", "", "expected 'key: value' fields", "see the template for this kind")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(model, doc, path, err, rule_prefix) for err in exc.errors()]


def _problem(model: type[BaseModel], doc: YamlDocument, path: str, err: dict, prefix: str) -> Problem:
    loc = tuple(part for index, part in enumerate(err["loc"]) if not (index and _is_union_member(part)))
    field = dotted(loc)
    kind = err["type"]
    line = doc.line_of(loc)
    if kind == "missing":
        return Problem(path, line, f"{prefix}-missing", field, "required field is missing", f"add '{loc[-1]}:'")
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known) or f"known fields: {', '.join(sorted(known))}"
        return Problem(path, line, f"{prefix}-unknown", field, "unknown field", hint)
    message = err["msg"].removeprefix("Value error, ")
    named = re.match(r"^([a-z_]+): (.*)$", message)
    if named and kind == "value_error":
        # Checks across fields name the field they blame ("end: is before start").
        loc = loc + (named.group(1),)
        field, line, message = dotted(loc), doc.line_of(loc), named.group(2)
    found = err.get("input")
    if not isinstance(found, (dict, list)) and found is not None and repr(found) not in message:
        message += f", found {found!r}"
    return Problem(path, line, f"{prefix}-type", field, message, _type_hint(kind))


def _is_union_member(part: Any) -> bool:
    # pydantic names the union branch it tried ("date", "function-before[...]"); users never wrote it.
    return isinstance(part, str) and ("[" in part or part in {"date", "datetime", "str", "int", "list", "dict"})


def _type_hint(kind: str) -> str:
    return {
        "string_type": "write it as text, in quotes",
        "list_type": "write a list: '[a, b]' or one '- item' per line",
        "int_parsing": "write a whole number",
        "bool_parsing": "write true or false",
        "literal_error": "use one of the allowed values",
        "dict_type": "write 'key: value' fields indented below",
    }.get(kind, "")


def _fields_at(model: type[BaseModel], loc: tuple) -> set[str]:
    """The field names a model accepts at a location, following nested models."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return set()
        current = _inner_model(field.annotation)
    return set(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
