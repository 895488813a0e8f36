"""The moderation report: a Markdown page telling reviewers what a pull request changes and what the checks found.

Every text a contributor wrote (titles, links, messages quoting them) is escaped: it reads as plain text in a
GitHub run summary or comment, never as a link, an image, HTML or a mention-bearing heading.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

from .committee.consent import Consent
from .content.kinds import KINDS
from .content.loader import CONTENT_DIR, Item
from .content.markdown import WORDS_PER_MINUTE
from .pr import PullRequest
from .problems import Problem
from .rules.catalogue import RULE_DOCS
from .site import Portal

TITLE = "# Agora moderation report"
_STATUS = {"A": "added", "M": "changed", "D": "deleted", "T": "changed type"}
_PR_RULES = {"ownership", "lookalike-author", "lookalike-name", "copied-avatar", "submodule", "executable"}
_TERM_RULES = {"refused-term", "flagged-term"}
# What can open markup inline: emphasis, code, links and images, HTML and entities, table cells, strikethrough.
_PUNCTUATION = re.compile(r"([\\`*_\[\]<>!|~&])")


def write_report(path: Path, portal: Portal | None, problems: list[Problem], pr: PullRequest | None) -> None:
    """Write the report atomically (a reviewer never reads half of one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(render_report(portal, problems, pr), encoding="utf-8")
    os.replace(tmp, path)


def render_report(portal: Portal | None, problems: list[Problem], pr: PullRequest | None) -> str:
    problems = sorted(set(problems))
    sections = [_heading(problems, pr), _changes(portal, pr), _terms(problems), _ownership(problems, pr),
                _consents(pr), _problems(problems), _rules(problems, pr)]
    return "\n\n".join(section.rstrip() for section in sections if section) + "\n"


def text(value: object) -> str:
    """Contributor text made inert for Markdown: no control or invisible characters, punctuation escaped."""
    cleaned = "".join(ch for ch in str(value) if unicodedata.category(ch) not in {"Cc", "Cf"})
    cleaned = _PUNCTUATION.sub(r"\\\1", cleaned).replace("@", "@\u200b")
    return cleaned


def code(value: object) -> str:
    """A code span that no backtick inside can close; safe in a table cell too."""
    cleaned = "".join(ch for ch in str(value) if unicodedata.category(ch) not in {"Cc", "Cf"}).replace("|", "¦")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", cleaned)), default=0) + 1)
    pad = " " if cleaned.startswith("`") or cleaned.endswith("`") else ""
    return f"{fence}{pad}{cleaned}{pad}{fence}"


def _heading(problems: list[Problem], pr: PullRequest | None) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        verdict = f"**❌ {errors} error(s), {warnings} warning(s)**: the contribution cannot be merged as it is."
    elif warnings:
        verdict = f"**⚠️ No errors, {warnings} warning(s)** for the reviewers to look at."
    else:
        verdict = "**✅ No problems found.**"
    if pr is None:
        who = "No pull request given (`--pr-author`, `--base`): the whole portal was checked."
    else:
        role = "a current committee member" if pr.member else "not on the committee"
        handle = f"member {code(pr.handle)}" if pr.handle else "no profile at the base"
        who = (f"Pull request by GitHub user {code(pr.author)} ({handle}, {role}), {len(pr.changes)} file(s) changed "
               f"since {code(pr.base[:12])}.")
    return f"{TITLE}\n\n{verdict}\n\n{who}"


def _changes(portal: Portal | None, pr: PullRequest | None) -> str:
    if pr is None or portal is None:
        return ""
    rows, links, images = [], [], []
    for change in pr.changes:
        item = _item(portal, change.path)
        kind = _kind(change.path)
        if item is None:
            rows.append(f"| {_STATUS.get(change.status, change.status)} | {code(change.path)} | {kind} | | | | |")
            continue
        minutes = max(1, math.ceil(item.words / WORDS_PER_MINUTE))
        people = ", ".join(code(h) for h in getattr(item.meta, "authors", []) or []) or "—"
        title = text(getattr(item.meta, "title", None) or getattr(item.meta, "name", ""))
        rows.append(f"| {_STATUS.get(change.status, change.status)} | {code(change.path)} | {kind} | {title} | {people} "
                    f"| {item.words} | {minutes} min |")
        links += [f"- {code(change.path)}: {code(url)}" for url in _external_links(item)]
        images += [f"- {code(change.path)}: {code(src)} — {alt}" for src, alt in _images(item)]
    table = "| change | file | kind | title | by | words | reading |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    out = f"## What the pull request changes\n\n{table if rows else 'Nothing.'}"
    out += "\n\n### Links to other sites\n\n" + ("\n".join(links) if links else "None.")
    out += "\n\n### Images\n\n" + ("\n".join(images) if images else "None.")
    return out


def _item(portal: Portal, path: str) -> Item | None:
    prefix = f"{CONTENT_DIR}/"
    return portal.graph.by_path.get(path[len(prefix):]) if path.startswith(prefix) else None


def _kind(path: str) -> str:
    parts = path.split("/")
    if parts[0] != CONTENT_DIR or len(parts) < 3:
        return "configuration" if path == "site_config.yaml" else "repository file"
    kind = KINDS.get(parts[1])
    if kind is not None and path.endswith(".md"):
        return kind.name
    return {"media": "media file", "board.yaml": "board"}.get(parts[1], "file")


def _external_links(item: Item) -> list[str]:
    urls = list(item.external_links)
    meta = item.meta
    for link in getattr(meta, "links", []) or []:
        urls.append(link.url)
    interviewee = getattr(meta, "interviewee", None)
    for link in getattr(interviewee, "links", []) or []:
        urls.append(link.url)
    for value in (getattr(meta, "registration", None), getattr(getattr(meta, "location", None), "online", None)):
        if value:
            urls.append(value)
    return list(dict.fromkeys(urls))


def _images(item: Item) -> list[tuple[str, str]]:
    """(image path, what describes it) for every image an item shows."""
    found: list[tuple[str, str]] = []
    meta = item.meta

    def alt(value: str | None) -> str:
        return f"alt: {text(value)}" if value else "**no alt text**"

    if getattr(meta, "image", None):
        found.append((meta.image, alt(meta.image_alt)))
    interviewee = getattr(meta, "interviewee", None)
    if interviewee is not None and interviewee.photo:
        found.append((interviewee.photo, alt(interviewee.photo_alt)))
    if getattr(meta, "avatar", None):
        found.append((meta.avatar, "avatar"))
    missing = set(item.images_without_alt)
    for link in item.local_links:
        if link.is_image:
            found.append((link.target, "**no alt text**" if link.line in missing else "in the text, with alt text"))
    return found


def _terms(problems: list[Problem]) -> str:
    hits = [p for p in problems if p.rule in _TERM_RULES]
    lines = [f"- {_where(p)} {'refused' if p.rule == 'refused-term' else 'flagged'}: {text(p.message)}" for p in hits]
    return "## Flagged and refused terms\n\n" + ("\n".join(lines) if lines else "None found.")


def _ownership(problems: list[Problem], pr: PullRequest | None) -> str:
    if pr is None:
        return ""
    found = [p for p in problems if p.rule in _PR_RULES or (p.rule == "symlink" and p.path in pr.paths)]
    if not found:
        return "## Ownership\n\n✅ Every change is the author's own to make."
    lines = [f"- {'❌' if p.severity == 'error' else '⚠️'} {_where(p)} {text(p.message)}" for p in found]
    return "## Ownership\n\n" + "\n".join(lines)


def _consents(pr: PullRequest | None) -> str:
    """Who must approve the pull request because it speaks in their name, and where."""
    if pr is None:
        return ""
    if not pr.consents:
        return "## Consents needed\n\n✅ None: the pull request credits nobody but its author and takes no credit away."
    logins = {handle.casefold(): login for handle, login in pr.logins.items()}
    by_member: dict[str, list] = {}
    for consent in pr.consents:
        by_member.setdefault(consent.handle, []).append(consent)
    lines = []
    for handle, consents in sorted(by_member.items()):
        login = logins.get(handle)
        who = f"{code(handle)} (GitHub {code(login)})" if login else \
            f"{code(handle)} (**no profile at the base**: nobody can consent)"
        lines.append(f"- {who} must approve this pull request:")
        lines += [f"  - {_where(c)} {code(c.field)}: {text(c.what)}" for c in consents]
    intro = ("The pull request speaks in these members' names. Each must approve it at its latest commit, or the "
             "change must go; their approval is their consent and does not count toward the quorum.")
    return "## Consents needed\n\n" + intro + "\n\n" + "\n".join(lines)


def _problems(problems: list[Problem]) -> str:
    if not problems:
        return ""
    out = ["## Problems"]
    for severity, title in (("error", "Errors"), ("warning", "Warnings")):
        chosen = [p for p in problems if p.severity == severity]
        if chosen:
            out.append(f"### {title}\n\n" + "\n".join(
                f"- {_where(p)} **{text(p.rule)}** {text(p.field) + ': ' if p.field else ''}{text(p.message)}"
                + (f" — {text(p.hint)}" if p.hint else "") for p in chosen))
    return "\n\n".join(out)


def _where(problem: Problem | Consent) -> str:
    return code(f"{problem.path}:{problem.line}" if problem.line else problem.path)


def _rules(problems: list[Problem], pr: PullRequest | None) -> str:
    stages = {"reading", "graph", "moderation"} | ({"pull-request"} if pr is not None else set())
    errors = Counter(p.rule for p in problems if p.severity == "error")
    warnings = Counter(p.rule for p in problems if p.severity != "error")
    ran = [rule for rule, doc in RULE_DOCS.items() if doc.stage in stages]
    ran += sorted({p.rule for p in problems} - set(ran))
    failed = [r for r in ran if errors[r] or warnings[r]]
    passed = [r for r in ran if r not in failed]
    out = "## Rules\n\n"
    if failed:
        out += "| rule | errors | warnings |\n|---|---|---|\n"
        out += "\n".join(f"| {code(r)} | {errors[r]} | {warnings[r]} |" for r in failed) + "\n\n"
    out += f"✅ Passed ({len(passed)}): " + ", ".join(code(r) for r in passed)
    return out
