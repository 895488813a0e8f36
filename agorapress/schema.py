"""Declared schemas checked with pydantic, with every failure turned into a Problem with a line."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from .problems import Problem, did_you_mean
from .text import plain_text
from .yamlstrict import YamlDocument, dotted

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A schema that refuses unknown keys; fields carry their documentation."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# Patterns that validate a whole value end with \Z, never $: '$' also matches before a final newline, so
# "evil\n" passed for a slug. They keep their '^' because other modules call .match() on them.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?\Z")
#: Years a date may have. A real portal never leaves them, and every moment the build computes from a date
#: (an event's end, the next occurrence, a calendar's range) stays far from Python's year 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_YEARS_HINT = f"write a year between {FIRST_YEAR} and {LAST_YEAR}"


def _moment(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return _in_years(value)
    if not isinstance(value, str):
        raise ValueError("expected a date like 2026-03-14 or a date-time like \"2026-03-14T19:00\"")
    text = value.strip()
    try:
        if _DATE.match(text):
            moment = date.fromisoformat(text)
        elif _DATETIME.match(text):
            moment = datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
        else:
            raise TypeError
    except ValueError:
        # Python's own reason ("day is out of range for month") is the library speaking: say what to check.
        raise ValueError("not a real date: check the day, the month and the time") from None
    except TypeError:
        raise ValueError("expected a date like 2026-03-14 or a date-time like \"2026-03-14T19:00\"") from None
    return _in_years(moment)


def _in_years(moment: date) -> date:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"the year {moment.year} is out of range: {_YEARS_HINT}")
    return moment


#: A date or a date-time (naive means: in the portal's time zone).
Moment = Annotated[date | datetime, BeforeValidator(_moment)]


#: Names the time zone database answers to that name no place: the machine's own clock ('localtime' reads
#: /etc/localtime, so the same commit built other calendars on a laptop and in CI), a zone without an offset
#: ('Factory'), and copies of every zone under other rules ('posix/...', 'right/...', with leap seconds).
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@functools.lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """The IANA time zones a portal or an event may name (listing them walks the database: done once)."""
    from zoneinfo import available_timezones

    return frozenset(zone for zone in available_timezones()
                     if zone not in _NOT_PLACES and not zone.startswith(("posix/", "right/")))


#: Characters a one-line text may have: a name, a label or an alt text never needs more, and each is
#: repeated on many pages (cards, bylines, feeds). Titles and summaries have lower limits (moderation.*).
MAX_LINE = 1000


def _one_line(value: str) -> str:
    if any(ch in value for ch in "\r\n"):
        raise ValueError("must fit on one line")
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > MAX_LINE:
        raise ValueError(f"is {len(value):,} characters long, over the limit of {MAX_LINE:,}; shorten it")
    return value.strip()


#: Text that fits on one line (titles, names): no CR/LF can reach a header, a feed or a calendar.
Line = Annotated[str, AfterValidator(_one_line)]


def _words(value: str) -> str:
    if not plain_text(value):
        raise ValueError(f"{_shown(value)} has no text outside HTML tags (feeds show titles as plain text): write it "
                         "in words")
    return value


#: Values a list of front matter may hold, whatever the config: each limit of moderation.* on a list stops below it.
#: Checked before the values are, so 100,000 tags cost one problem, not 100,000 validations and tag pages.
MAX_LIST = 1000


def _few(value: Any) -> Any:
    if isinstance(value, list) and len(value) > MAX_LIST:
        raise ValueError(f"{len(value):,} values, more than {MAX_LIST:,}: no list of a portal needs so many")
    return value


Few = BeforeValidator(_few)


#: A title: one line, with words once HTML tags are taken out (feeds carry titles as plain text, and need one).
Title = Annotated[str, AfterValidator(_one_line), AfterValidator(_words)]

_HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?\Z")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\Z")
#: A slug names a folder of the output: at most 100 characters, far below the 255 a file name may have.
MAX_SLUG = 100
_SLUG = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_SLUG - 2}}}[a-z0-9])?\Z")
_TAG = re.compile(r"^[\w][\w -]{0,48}\Z")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?\Z")
_WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)


def _matching(regex: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(what)
        return value

    return AfterValidator(check)


Handle = Annotated[str, _matching(_HANDLE, "a handle is lowercase ASCII letters, digits and hyphens")]
Slug = Annotated[str, _matching(_SLUG, f"a slug is lowercase ASCII letters, digits and hyphens, at most {MAX_SLUG} characters")]
Tag = Annotated[str, _matching(_TAG, "a tag is a word or a few words, without punctuation")]
Login = Annotated[str, _matching(_LOGIN, "a GitHub login is ASCII letters, digits and hyphens, at most 39 characters")]


def _language(value: str) -> str:
    """A language Babel knows, as a web page names it: 'fr', 'en', or with its region 'pt-BR', 'fr-CA'."""
    if not _LANG.match(value):
        region = re.fullmatch(r"([a-zA-Z]{2,3})[-_]([a-zA-Z]{2})", value)
        hint = f"; write '{region.group(1).lower()}-{region.group(2).upper()}'" if region else ""
        raise ValueError(f"{_shown(value)} is not a language code such as 'fr', 'en' or 'pt-BR'{hint or _language_hint(value)}")
    if babel_locale(value) not in _language_codes():
        language = value.split("-")[0]
        hint = f"; write '{language}'" if "-" in value and language in _language_codes() else _language_hint(value)
        raise ValueError(f"unknown language code {_shown(value)}{hint}")
    return value


def babel_locale(lang: str) -> str:
    """'pt-BR' (a page's language) -> 'pt_BR' (Babel's locale identifier)."""
    return lang.replace("-", "_")


def _language_hint(value: str) -> str:
    # 'French', 'français' or 'fre' name a language: offer its code before a spelling match.
    key = value.strip().casefold()
    named = _language_names().get(key) or get_global("language_aliases").get(key, "").split("_")[0]
    close = f"did you mean '{named}'?" if named in _language_codes() else did_you_mean(key, _language_codes())
    return f"; {close}" if close else ""


@functools.lru_cache(maxsize=1)
def _language_codes() -> frozenset[str]:
    """The languages Babel has data for, by their own code (the build formats dates with it)."""
    return frozenset(code for code in locale_identifiers() if code.count("_") <= 1 and not code.split("_")[-1].istitle())


@functools.lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    codes = _language_codes()
    return {name.casefold(): code for interface in ("fr", "en") for code, name in sorted(Locale(interface).languages.items())
            if code in codes}


Lang = Annotated[str, AfterValidator(_language)]


def _web_url(value: str) -> str:
    if not _WEB_URL.match(value):
        raise ValueError("expected an http:// or https:// address")
    return value


def _link_url(value: str) -> str:
    if value.lower().startswith("mailto:") and "@" in value and not re.search(r"\s", value):
        return value
    return _web_url(value)


def _media_file(value: str) -> str:
    """A file under content/media/ as the site publishes it ('media/x.png'), however it was written ('/media/x.png',
    'content/media/x.png', 'media/./x.png'): pages write the value into <img src> and JSON-LD as it is, so
    'content/media/x.png' was a broken image and 'https://evil.example/../../media/x.png' an address elsewhere.
    A value that is no such path is kept as written, for the check to refuse on its line."""
    path = posixpath.normpath(value.removeprefix("/").removeprefix("content/"))
    return path if path.startswith("media/") and value.strip() == value else value


#: A path under content/media/ (an item's image, an interviewee's photo, the theme's logo), as the site publishes it.
MediaFile = Annotated[str, AfterValidator(_media_file)]


#: Characters an old address may not hold: a query or fragment is no file a static host serves, and a backslash,
#: a control character or a quote would be read differently by each host and browser.
_NOT_IN_ALIAS = re.compile(r"[?#\\\x00-\x1f\x7f\"'<>]")


def alias_path(value: str) -> str:
    """An old address of an item as the site root's relative path of a page: 'blog/a.html' stays a file,
    '/2019/05/15/post' becomes the folder '2019/05/15/post/' (published as its index.html). Percent-escapes are
    decoded (the file on disk has the character). Raises ValueError for what no static host can serve there."""
    from urllib.parse import unquote

    text = unquote(value.strip()) if isinstance(value, str) else ""
    if not text or _NOT_IN_ALIAS.search(text) or "://" in text or text.startswith("//"):
        raise ValueError("an alias is a path on this site, like /2019/05/15/old-post.html or /blog/old-post/ "
                         "(no scheme, query, fragment, quote or backslash)")
    folder = not text.endswith((".html", ".htm"))
    parts = [part for part in text.strip("/").split("/")]
    if any(part in {"", ".", ".."} or part.startswith(".") for part in parts):
        raise ValueError("an alias has no empty, '.', '..' or hidden (dot) part")
    if len(text) > 400:
        raise ValueError("an alias is at most 400 characters")
    path = "/".join(parts)
    return path + "/" if folder else path


#: An old address that redirects to the item (see alias_path).
Alias = Annotated[str, AfterValidator(alias_path)]


WebUrl = Annotated[str, AfterValidator(_web_url)]
LinkUrl = Annotated[str, AfterValidator(_link_url)]


#: Problems of one file's schema that are listed one by one; the others are counted on the last one.
MAX_PROBLEMS = 100


def validate(model: type[M], doc: YamlDocument, path: str, rule_prefix: str = "schema") -> tuple[M | None, list[Problem]]:
    """Check `doc.data` against `model`; return the object (or None) and every problem, with lines."""
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        line = doc.line_of(())
        return None, [Problem(path, line, f"{rule_prefix}-type", "", "expected 'key: value' fields", "see the template for this kind")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors()
    problems = [_problem(model, doc, path, err, rule_prefix) for err in errors[: MAX_PROBLEMS + 1]]
    if len(errors) > MAX_PROBLEMS + 1:
        # 50,000 unknown fields are 50,000 problems nobody reads: the first ones are listed, the rest counted.
        last = problems[-1]
        problems[-1] = replace(last, message=f"{last.message} (and {len(errors) - MAX_PROBLEMS - 1:,} more problems "
                                             "after this one, not listed)", hint=last.hint or "fix these, then check again")
    return None, problems


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
    message = _plain(model, loc, err)
    named = re.fullmatch(r"([a-z_]+): (.*)", message, re.DOTALL)
    if named and kind == "value_error":
        # Checks across fields name the field they blame ("end: is before start").
        loc = loc + (named.group(1),)
        field, line, message = dotted(loc), doc.line_of(loc), named.group(2)
    found = err.get("input")
    if not isinstance(found, (dict, list)) and found is not None:
        shown = _shown(found)
        if shown not in message:
            message += f", found {shown}"
    hint = _type_hint(kind)
    if kind in _FIELDS_EXPECTED and isinstance(found, str) and "name" in _fields_at(model, loc) and loc:
        # The value they wrote is most likely the name: show it where it goes.
        hint = f"write '{loc[-1]}:' alone on its line and below it, indented by two spaces, 'name: {found[:40]}'"
    return Problem(path, line, f"{prefix}-type", field, message, hint)


#: pydantic's error types in the words of someone writing front matter; never the library's own wording
#: ("Input should be a valid dictionary or instance of Location" says nothing to a contributor).
_PLAIN = {
    "string_type": "expected text",
    "int_type": "expected a whole number", "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number", "float_parsing": "expected a number",
    "bool_type": "expected true or false", "bool_parsing": "expected true or false",
    "list_type": "expected a list", "tuple_type": "expected a list", "set_type": "expected a list",
    "date_type": "expected a date written YYYY-MM-DD", "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "datetime_type": "expected a date and time written YYYY-MM-DDTHH:MM",
    "datetime_parsing": "expected a date and time written YYYY-MM-DDTHH:MM",
    "datetime_from_date_parsing": "expected a date and time written YYYY-MM-DDTHH:MM",
    "less_than_equal": "expected at most {le}", "greater_than_equal": "expected at least {ge}",
    "less_than": "expected less than {lt}", "greater_than": "expected more than {gt}",
    "string_too_long": "expected at most {max_length} characters",
    "string_too_short": "expected at least {min_length} character(s)",
    "too_long": "expected at most {max_length} entries", "too_short": "expected at least {min_length} entries",
    "literal_error": "expected {expected}", "enum": "expected {expected}",
}
_FIELDS_EXPECTED = {"dict_type", "model_type", "model_attributes_type", "dataclass_type"}


def _plain(model: type[BaseModel], loc: tuple, err: dict) -> str:
    """What was expected, in plain words: the shape of a group of fields, or the kind of value."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _FIELDS_EXPECTED:
        fields = sorted(_fields_at(model, loc), key=lambda name: (name != "name", name))
        return f"expected fields written below '{loc[-1] if loc else ''}:', each indented on its own line ({', '.join(fields)})"
    if kind in _PLAIN:
        try:
            return _PLAIN[kind].format(**ctx)
        except (KeyError, IndexError):
            pass
    message = err["msg"].removeprefix("Value error, ")
    return re.sub(r"^Input should be (?:a valid )?", "expected ", message).replace(" or instance of ", " ")


def _shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: cut when long, so a message never grows with the file."""
    try:
        text = repr(value)
    except ValueError:  # Python refuses to print an int of more than 4,300 digits
        return "a number too long to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        "model_type": "write the field alone on its line, then its fields below it, indented by two spaces",
        "model_attributes_type": "write the field alone on its line, then its fields below it, indented by two spaces",
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
