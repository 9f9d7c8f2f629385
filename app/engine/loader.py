"""Load every content file, validate it, and compile the rules and the roadmap.

Loading runs two passes: each file against the pydantic model of its ``kind``, then
cross-file checks. Every problem is collected with its file, line and path before one
``ContentError`` is raised. Hostile files are refused before they are parsed in full:
content files are small, hand-written YAML with no anchors or aliases.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .content import Content
from .errors import ContentError
from .located import Located, format_path
from .models import KIND_MODELS, Questionnaire, Strict
from .roadmap import compile_roadmap
from .rulebook import TermChecker, compile_rulebook

# Which kinds each content folder may hold.
FOLDER_KINDS: dict[str, tuple[str, ...]] = {
    "questionnaires": ("questionnaire",),
    "rules": ("model_rules", "pitfalls", "ownership", "checks", "terms"),
    "roadmaps": ("improvements", "phases"),
}
# Kinds of which there is exactly one file.
SINGLE_KINDS: tuple[str, ...] = ("model_rules", "pitfalls", "ownership", "checks", "terms", "phases")
# The largest content file we read; the biggest real one is a few hundred KB.
MAX_FILE_BYTES = 1024 * 1024
# Past this many problems in one file, the rest are counted, not listed.
MAX_PROBLEMS_PER_FILE = 25


def check_questionnaire(q: Questionnaire, where: Located) -> None:
    """Cross checks inside one questionnaire: ids unique and prefixed by their dimension."""
    seen: dict[str, str] = {}
    for di, dim in enumerate(q.dimensions):
        for qi, question in enumerate(dim.questions):
            path = ("dimensions", di, "questions", qi, "id")
            prefix = question.id.split(".", 1)[0]
            if prefix != dim.id:
                where.problem(path, f"question id {question.id!r} must start with {dim.id + '.'!r}")
            if question.id in seen:
                where.problem(path, f"question id {question.id!r} is used twice (also in {seen[question.id]})")
            seen[question.id] = dim.id


def check_improvement_words(catalogues: list, words: TermChecker, rulebook) -> None:
    """An improvement's words must fit every organisation it can be planned for: its condition, the
    practices it raises (planned only while one is below its level), or the gates of the only models
    it sets up (local PMO leads need the units a federated PMO needs)."""
    for doc, located in catalogues:
        for i, item in enumerate(doc.items):
            reads: set[str] = {f"answers.{question}" for question in item.raises}
            if item.when:
                reads |= set(re.findall(r"[a-z_]+(?:\.[a-z_]+)+", item.when))
            if item.setup_only and item.setup_for:
                for gate in rulebook.gates:
                    if all(model == gate.model for model in item.setup_for):
                        reads |= set(gate.condition.reads)
            for name in ("title", "description", "metric"):
                words.check(getattr(item, name), reads, located, ("items", i, name), item.id)
            for d, deliverable in enumerate(item.deliverables):
                words.check(deliverable, reads, located, ("items", i, "deliverables", d), item.id)
            for v, lever in enumerate(item.levers):  # said only where the lever's condition holds too
                lever_reads = reads | set(re.findall(r"[a-z_]+(?:\.[a-z_]+)+", lever.when))
                words.check(lever.why, lever_reads, located, ("items", i, "levers", v, "why"), item.id)


def check_pains(ownership: list, roadmap) -> None:
    """Cross-file: each pain's improvements, and each function's, exist in the catalogue."""
    for doc, located in ownership:
        named = [(("pains", pain_id), pain.improvements) for pain_id, pain in doc.pains.items()]
        named += [(("own_first", n), item.improvements) for n, item in enumerate(doc.own_first)]
        for path, improvements in named:
            for i, item_id in enumerate(improvements):
                if item_id not in roadmap.items:
                    located.problem(path + ("improvements", i), f"unknown improvement {item_id!r}")


def add_pitfall_mitigations(pitfall_docs: list, roadmap):
    """Cross-file: the improvements a pitfall names as its mitigations exist, and mitigate it in the plan
    as if the improvement's own 'mitigates' named the pitfall."""
    mitigated_by = {pitfall: list(items) for pitfall, items in roadmap.mitigated_by.items()}
    for doc, located in pitfall_docs:
        for section in ("pitfalls", "root_causes"):
            for p, pitfall in enumerate(getattr(doc, section)):
                for i, item_id in enumerate(pitfall.mitigated_by):
                    if item_id not in roadmap.items:
                        located.problem((section, p, "mitigated_by", i), f"unknown improvement {item_id!r}")
                    elif item_id not in mitigated_by.setdefault(pitfall.id, []):
                        mitigated_by[pitfall.id].append(item_id)
    ordered = {pitfall: tuple(sorted(items, key=roadmap.order.__getitem__)) for pitfall, items in mitigated_by.items()}
    return dataclasses.replace(roadmap, mitigated_by=ordered)


# libyaml's parser when PyYAML has it (about ten times faster); the pure-Python one otherwise.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _first_alias(node: Any) -> Any | None:
    """The first node reached twice (an alias of an anchor): refused, so no file can expand into a bomb.

    The walk stops at a node it has seen, so it is linear in the size of the file however
    deeply aliases are nested.
    """
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return current
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.extend((value, key))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return None


def _duplicate_keys(node: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Find mapping keys given twice (safe_load would silently keep the last)."""
    found = []
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                found.append((path + (key.value,), key))
            seen.add(key.value)
            found.extend(_duplicate_keys(value, path + (key.value,)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, path + (i,)))
    return found


def _validation_reason(err: dict) -> str:
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (not allowed here)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return msg


def parse_file(path: Path, name: str, problems: list) -> tuple[Any, Any, bytes] | None:
    """Read one YAML file with safe_load; return (data, node tree, raw bytes) or record why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append((name, "", f"file is {size:,} bytes; content files may be at most "
                                       f"{MAX_FILE_BYTES:,} bytes"))
            return None
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append((name, "", f"cannot read file: {exc}"))
        return None
    try:
        loader = SafeLoader(text)
        try:
            node = loader.get_single_node()
            alias = _first_alias(node) if node is not None else None
            if alias is not None:
                problems.append((f"{name}:{alias.start_mark.line + 1}", "",
                                 "YAML anchors and aliases (&name, *name) are not allowed in content files"))
                return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problems.append((name + where, "", f"invalid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None
    for loc, key in _duplicate_keys(node):
        problems.append((f"{name}:{key.start_mark.line + 1}", format_path(loc), "key given twice"))
    return data, node, raw


def validate_document(data: Any, located: Located, allowed: tuple[str, ...]) -> tuple[str, Strict] | None:
    """Validate one parsed document against the model of its ``kind``."""
    if not isinstance(data, dict):
        located.problem((), "expected a mapping at the top of the file")
        return None
    kind = data.get("kind")
    if kind not in allowed:
        expected = ", ".join(allowed) if allowed else "nothing (this folder takes no files yet)"
        located.problem(("kind",), f"kind {kind!r} is not allowed here; expected {expected}")
        return None
    try:
        return kind, KIND_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            located.problem(tuple(err["loc"]), _validation_reason(err))
        return None


def content_hash(files: list[tuple[str, bytes]]) -> str:
    """Hash file names and bytes, in name order, so results can say what they were computed with."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def _cap_problems(problems: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Keep the first problems of each file and count the rest, so a broken file stays readable."""
    kept: list[tuple[str, str, str]] = []
    per_file: dict[str, int] = {}
    for problem in problems:
        file = problem[0].split(":", 1)[0]
        per_file[file] = per_file.get(file, 0) + 1
        if per_file[file] <= MAX_PROBLEMS_PER_FILE:
            kept.append(problem)
    for file, count in per_file.items():
        if count > MAX_PROBLEMS_PER_FILE:
            kept.append((file, "", f"... and {count - MAX_PROBLEMS_PER_FILE} more problems in this file "
                                   f"({count} in all)"))
    return kept


def load_content(root: Path | str) -> Content:
    """Load and validate every content file under ``root``; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[tuple[str, str, str]] = []
    documents: dict[str, list[tuple[Strict, Located]]] = {kind: [] for kind in KIND_MODELS}
    raw_files: list[tuple[str, bytes]] = []
    for folder, allowed in FOLDER_KINDS.items():
        directory = root / folder
        if not directory.is_dir():
            if folder == "questionnaires":
                problems.append((folder + "/", "", "folder is missing"))
            continue
        for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
            name = f"{folder}/{path.name}"
            parsed = parse_file(path, name, problems)
            if parsed is None:
                continue
            data, node, raw = parsed
            raw_files.append((name, raw))
            located = Located(name, node, problems)
            validated = validate_document(data, located, allowed)
            if validated is not None:
                kind, model = validated
                documents[kind].append((model, located))

    questionnaires: dict[str, Questionnaire] = {}
    for q, located in documents["questionnaire"]:
        check_questionnaire(q, located)
        if q.id in questionnaires:
            located.problem(("id",), f"questionnaire id {q.id!r} is defined twice")
        questionnaires[q.id] = q
    if not questionnaires and not any(p[0].startswith("questionnaires") for p in problems):
        problems.append(("questionnaires/", "", "no questionnaire found"))

    for kind in SINGLE_KINDS:
        for _model, located in documents[kind][1:]:
            first = documents[kind][0][1].name
            located.problem(("kind",), f"only one {kind} file is allowed; {first} is one already")

    rulebook = None
    default = questionnaires.get("pmo-maturity") or next(iter(questionnaires.values()), None)
    if default is not None:
        rulebook = compile_rulebook(default, {kind: documents[kind][:1] for kind in SINGLE_KINDS})

    pitfall_ids = (frozenset(p.id for doc, _ in documents["pitfalls"] for p in doc.pitfalls + doc.root_causes)
                   if documents["pitfalls"] else None)
    roadmap = compile_roadmap(documents["improvements"], documents["phases"][:1], pitfall_ids, default)
    if documents["improvements"] and not documents["phases"]:
        problems.append(("roadmaps/", "", "an improvements catalogue needs a phases file"))
    if rulebook is not None and rulebook.terms and not problems:  # the gates it reads may be missing
        check_improvement_words(documents["improvements"], TermChecker(rulebook.terms), rulebook)
    if roadmap is not None:
        check_pains(documents["ownership"][:1], roadmap)
        roadmap = add_pitfall_mitigations(documents["pitfalls"][:1], roadmap)

    if problems:
        raise ContentError(_cap_problems(problems))
    return Content(
        questionnaires=questionnaires,
        hash=content_hash(raw_files),
        files=tuple(name for name, _ in sorted(raw_files)),
        rulebook=rulebook,
        roadmap=roadmap,
    )
