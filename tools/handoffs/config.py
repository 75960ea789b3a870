"""Team-editable configuration in ``schema/``, typed and validated on load.

Revenue operations edit these YAML files, not code.  Every problem is reported with
the file, the line, the key path and what was expected, with a "did you mean" for
misspelt keys, and is fatal: checking against half a rule set would pass handoffs
that should fail.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from handoffs._modelkeys import allowed_keys, field_at
from handoffs.catalog import BY_CODE
from handoffs.document import yamlsafe
from handoffs.document.body import section_key
from handoffs.errors import ConfigError
from handoffs.findings import Severity
from handoffs.matching import Pattern, any_of, compile_pattern, phrases
from handoffs.model import HANDLE_PATTERN

if TYPE_CHECKING:
    from handoffs.custom_terms import TermDetector

SCHEMA_DIR = "schema"
TYPES_FILE = "types.yaml"
TEAMS_FILE = "teams.yaml"
TERMS_FILE = "custom-terms.yaml"
VAGUE_FILE = "vague-language.yaml"
RULES_FILE = "rules.yaml"
SLACK_FILE = "slack-users.yaml"  # optional: GitHub handle -> Slack member id, for alerts
# Slack member ids: U… for people, W… on Enterprise Grid (profile → ⋯ → Copy member ID).
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
DEFAULT_HANDOFFS_DIR = "handoffs"

_HANDLE = re.compile(HANDLE_PATTERN)
_M = TypeVar("_M", bound=BaseModel)
SectionName = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _compile(pattern: str) -> Pattern:
    return compile_pattern(pattern)  # ValueError explains a refused pattern


def _check_patterns(patterns: list[str]) -> list[str]:
    """Refuse the first pattern RE2 cannot compile, with its explanation.

    One compile of them all, the very pattern the rules scan with (RE2 caches it), is
    far cheaper than one per pattern; only when it fails is each tried, to name the culprit.
    """
    try:
        any_of(patterns)
    except ValueError:
        for pattern in patterns:
            _compile(pattern)
    return patterns


# --- types.yaml -----------------------------------------------------------------


class TypeSpec(_Strict):
    description: str = ""
    required_sections: list[SectionName] | None = None
    template: str | None = None


class SectionRoles(_Strict):
    """What each section is for.  The tools find a section by its role, so the names live
    only in schema/types.yaml: a team that renames a section renames it there."""

    goal: SectionName
    stakeholders: SectionName
    success_criteria: SectionName
    promised_scope: SectionName
    exclusions: SectionName
    custom_terms: SectionName
    open_risks: SectionName
    requirements: SectionName
    evidence: SectionName
    context_given: SectionName
    key_dates: SectionName = Field(examples=["Key dates"])  # added in 2026-12; the example is the default schema's

    def name(self, role: str) -> str:
        """The section name of ``role`` (a field of this model, e.g. ``promised_scope``)."""
        if role not in type(self).model_fields:
            raise KeyError(role)
        return str(getattr(self, role))

    def role_of(self, name: str) -> str | None:
        """The role of the section called ``name`` (ignoring case and spaces), or None."""
        key = section_key(name)
        return next((role for role, named in self if section_key(named) == key), None)

    @property
    def scope(self) -> tuple[str, ...]:
        """The sections whose change after approval is a scope change (SPEC §5)."""
        return (self.promised_scope, self.exclusions, self.success_criteria, self.custom_terms)


class TypesFile(_Strict):
    sections: SectionRoles
    required_sections: list[SectionName]
    optional_sections: list[SectionName] = []
    template: str = "templates/default.md"
    types: dict[str, TypeSpec | None]


# --- teams.yaml ------------------------------------------------------------------


class TeamSpec(_Strict):
    members: list[str]
    description: str = ""

    @field_validator("members")
    @classmethod
    def _handles(cls, members: list[str]) -> list[str]:
        for member in members:
            if not _HANDLE.match(member):
                raise ValueError(f"`{member}` is not a GitHub handle like @dana-sales")
        return members


# --- custom-terms.yaml -----------------------------------------------------------


class TermCategory(_Strict):
    description: str = ""
    reviewers: list[str] = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    # Innocent phrases that contain a pattern's words ("discount code"): a match inside one is dropped.
    ignore: list[str] = []
    # Overrides `not_custom.flag_anyway` for this category alone.
    flag_not_custom: bool | None = None

    @field_validator("patterns", "ignore")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class NotCustom(_Strict):
    """Cues that make a matched term not custom: negated, refused or marked standard."""

    flag_anyway: bool = False
    before_window: int = Field(3, ge=0, le=12)
    before: list[str] = []
    after_window: int = Field(6, ge=0, le=20)
    after: list[str] = []
    contrast: list[str] = []

    @field_validator("before", "after", "contrast")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class Unmatched(_Strict):
    """Where an item no category recognises still goes to a reviewer."""

    category: str = Field("other", min_length=1)
    description: str = ""
    reviewers: list[str] = Field(min_length=1)
    sections: list[SectionName] = Field(min_length=1)
    nothing_custom: list[str] = []

    @field_validator("nothing_custom")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)


class TermsFile(_Strict):
    skip_sections: list[SectionName] = []
    not_custom: NotCustom = NotCustom()
    unmatched: Unmatched
    categories: dict[str, TermCategory] = Field(min_length=1)


# --- vague-language.yaml -------------------------------------------------------------


class VagueFile(_Strict):
    sections: list[SectionName]
    phrases: list[Annotated[str, Field(min_length=1)]]


# --- rules.yaml --------------------------------------------------------------------


class Placeholders(_Strict):
    words: list[str]
    literals: list[str] = []
    angle_brackets: bool = True


class SecretPattern(_Strict):
    name: str
    pattern: str
    luhn: bool = False

    @field_validator("pattern")
    @classmethod
    def _valid(cls, pattern: str) -> str:
        _compile(pattern)
        return pattern


DEFAULT_SOURCE_KINDS: dict[str, list[str]] = {
    "order form or contract": ["order form", "contract", "msa", "sow", "statement of work", "agreement", "§"],
    "proposal": ["proposal", "quote", "rfp"],
    "call notes": ["call", "meeting", "notes", "demo", "email", "e-mail", "workshop"],
    "CRM": ["crm", "salesforce", "hubspot", "opportunity", "deal record"],
}


class RulesFile(_Strict):
    max_file_bytes: int = Field(1_000_000, gt=0)
    base_branch: str = "main"
    handoffs_dir: str = DEFAULT_HANDOFFS_DIR
    admin_team: str
    # The GitHub App (its slug) whose statuses alone satisfy handoff/joint-approval
    # (README: threat model). None: GitHub Actions, which any workflow can post as.
    approval_app: str | None = None
    sourced_sections: list[SectionName]
    item_sections: list[SectionName] = []
    decision_roles: list[str]
    timeframe_patterns: list[str]
    placeholders: Placeholders
    secrets: list[SecretPattern] = []
    severity: dict[str, Literal["error", "warning", "flag", "off"]] = {}
    # What a cited source is, for the site's labels: kind -> words that identify it, in order.
    source_kinds: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_SOURCE_KINDS))

    @field_validator("severity", mode="before")
    @classmethod
    def _unquoted_off(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted `off` as false; `HO500: off` means the rule is off.
        if isinstance(value, dict):
            return {code: "off" if level is False else level for code, level in value.items()}
        return value

    @field_validator("timeframe_patterns")
    @classmethod
    def _valid(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)

    @field_validator("handoffs_dir")
    @classmethod
    def _relative_folder(cls, folder: str) -> str:
        return handoffs_folder(folder)


def handoffs_folder(folder: str) -> str:
    """``folder`` as a clean repository-relative POSIX path, or a ValueError saying why not.

    It is compared with paths git and GitHub report (always ``/``-separated, relative to
    the repository root), so it must be one spelling of one folder inside the repository.
    """
    parts = folder.strip().strip("/").split("/")
    if "\\" in folder or folder.strip().startswith("/") or not all(parts) or {".", ".."} & set(parts):
        raise ValueError(
            "must be a folder inside the repository, relative to its root and written with `/`, "
            "like `handoffs` or `sales/handoffs`"
        )
    return "/".join(parts)


# --- the assembled configuration ----------------------------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    description: str
    reviewers: tuple[str, ...]  # team names and @handles, as written
    pattern: Pattern  # the category's own words; `Config.term_detector` decides what is custom
    ignore: Pattern | None = None
    flag_not_custom: bool = False


@dataclass(frozen=True)
class Config:
    """Everything the rules need, compiled once."""

    root: Path
    types: TypesFile
    teams: dict[str, TeamSpec]
    terms: TermsFile
    vague: VagueFile
    rules: RulesFile
    slack_ids: Mapping[str, str] = field(default_factory=dict)  # casefolded @handle -> Slack member id

    def slack_id(self, handle: str) -> str | None:
        """The Slack member id of ``@handle`` from schema/slack-users.yaml, if it names one."""
        return self.slack_ids.get(handle.casefold())

    def required_sections(self, handoff_type: str) -> list[str]:
        spec = self.types.types.get(handoff_type)
        if spec is not None and spec.required_sections is not None:
            return spec.required_sections
        return self.types.required_sections

    @property
    def sections(self) -> SectionRoles:
        return self.types.sections

    def template_path(self, handoff_type: str) -> Path:
        spec = self.types.types.get(handoff_type)
        relative = spec.template if spec is not None and spec.template else self.types.template
        return self.root / SCHEMA_DIR / relative

    @property
    def handoffs_dir(self) -> str:
        """Where the handoff files live, relative to the root: ``handoffs`` unless a monorepo moves it."""
        return self.rules.handoffs_dir

    @property
    def handoffs_path(self) -> Path:
        return self.root / self.handoffs_dir

    def handoff_file(self, given: str) -> tuple[str, Path]:
        """The id and file of a handoff named by its id or by its path (``acme/…`` or ``handoffs/acme/….md``)."""
        written = given.strip().replace("\\", "/")
        if Path(written).is_absolute() or Path(written).is_file():  # a path to the file, from anywhere
            # Outside the handoffs folder it stays as written: reported as no such handoff.
            with contextlib.suppress(ValueError):
                written = Path(written).resolve().relative_to(self.handoffs_path.resolve()).as_posix()
        handoff_id = written.removesuffix(".md").removeprefix(f"{self.handoffs_dir}/")
        return handoff_id, self.handoffs_path / f"{handoff_id}.md"

    @property
    def type_names(self) -> list[str]:
        return list(self.types.types)

    @cached_property
    def named_categories(self) -> tuple[Category, ...]:
        """The categories defined under `categories:`, in file order; their patterns find terms."""
        flag_anyway = self.terms.not_custom.flag_anyway
        return tuple(
            Category(
                name,
                spec.description,
                tuple(spec.reviewers),
                any_of(spec.patterns),
                any_of(spec.ignore) if spec.ignore else None,
                flag_anyway if spec.flag_not_custom is None else spec.flag_not_custom,
            )
            for name, spec in self.terms.categories.items()
        )

    @cached_property
    def unmatched_category(self) -> Category:
        """Where an item under `## Custom terms` that no category recognises is routed."""
        spec = self.terms.unmatched
        return Category(spec.category, spec.description, tuple(spec.reviewers), any_of(()))

    @cached_property
    def categories(self) -> tuple[Category, ...]:
        """Every category a flag can carry: the named ones, then the fallback (`other`)."""
        return (*self.named_categories, self.unmatched_category)

    @cached_property
    def term_detector(self) -> TermDetector:
        """The one custom-term detector: `handoff check`, the site, PRs and drafting all ask it."""
        from handoffs.custom_terms import TermDetector  # imports this module's types

        return TermDetector(self)

    @cached_property
    def any_term_pattern(self) -> Pattern:
        """One scan of a document tells which lines any category can match at all."""
        return any_of(p for spec in self.terms.categories.values() for p in spec.patterns)

    @cached_property
    def secret_patterns(self) -> tuple[tuple[SecretPattern, Pattern], ...]:
        return tuple((s, compile_pattern(s.pattern)) for s in self.rules.secrets)

    @cached_property
    def any_secret_pattern(self) -> Pattern:
        return any_of(s.pattern for s in self.rules.secrets)

    @cached_property
    def vague_pattern(self) -> Pattern:
        """Vague phrases; use with ``matching.bounded`` so only whole words count."""
        return phrases(p.casefold() for p in self.vague.phrases)

    @cached_property
    def timeframe_pattern(self) -> Pattern:
        return any_of(self.rules.timeframe_patterns)

    @cached_property
    def placeholder_pattern(self) -> Pattern:
        """Placeholder words and literals; word entries need ``matching.bounded``."""
        return phrases([*self.rules.placeholders.words, *self.rules.placeholders.literals])

    @cached_property
    def placeholder_or_vague_pattern(self) -> Pattern:
        """Either of the two: most documents have neither, and one scan for both says so."""
        return any_of((self.placeholder_pattern.pattern, self.vague_pattern.pattern))

    @cached_property
    def decision_role_pattern(self) -> Pattern:
        return phrases(self.rules.decision_roles)

    def severity_of(self, code: str) -> Severity | None:
        """The configured severity of ``code``; ``None`` when the rule is switched off."""
        override = self.rules.severity.get(code)
        if override == "off":
            return None
        if override is not None:
            return Severity(override)
        return BY_CODE[code].severity

    def members(self, team: str) -> frozenset[str]:
        return self._members.get(team, frozenset())

    @cached_property
    def _members(self) -> dict[str, frozenset[str]]:
        """Each team's members, casefolded once: every handoff asks for two or three teams."""
        return {name: frozenset(m.casefold() for m in spec.members) for name, spec in self.teams.items()}

    def reviewers_for(self, category: Category) -> frozenset[str]:
        """Every handle who may approve for ``category`` (team names expanded)."""
        handles: set[str] = set()
        for reviewer in category.reviewers:
            handles |= {reviewer.casefold()} if reviewer.startswith("@") else self.members(reviewer)
        return frozenset(handles)

    def reviewers_by_category(self) -> dict[str, frozenset[str]]:
        """Who may approve for each custom-term category (casefolded handles, teams expanded):
        the one mapping the gate, the site, the alerts and the metrics hand to ``verdicts.terms_reviewed``."""
        return {category.name: self.reviewers_for(category) for category in self.categories}


# --- loading -------------------------------------------------------------------------


def root_above(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``schema/types.yaml``, if any."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SCHEMA_DIR / TYPES_FILE).is_file():
            return candidate
    return None


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``schema/types.yaml``."""
    found = root_above(start)
    if found is not None:
        return found
    start = start.resolve()
    raise ConfigError(
        f"no {SCHEMA_DIR}/{TYPES_FILE} found in {start} or any parent directory; run this "
        "inside a handoffs repository or pass --root"
    )


def load_config(root: Path) -> Config:
    schema = root / SCHEMA_DIR
    types = _load_model(schema / TYPES_FILE, TypesFile)
    teams = _load_teams(schema / TEAMS_FILE)
    terms = _load_model(schema / TERMS_FILE, TermsFile)
    vague = _load_model(schema / VAGUE_FILE, VagueFile)
    rules = _load_model(schema / RULES_FILE, RulesFile)
    slack_ids = _load_slack_ids(schema / SLACK_FILE, teams)
    config = Config(root=root, types=types, teams=teams, terms=terms, vague=vague, rules=rules, slack_ids=slack_ids)
    _cross_check(config, schema)
    return config


def _read_yaml(path: Path) -> yamlsafe.YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file is missing", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot be read: {exc}", path=path) from None
    doc = yamlsafe.load(text)
    if doc.problems:
        problem = doc.problems[0]
        raise ConfigError(problem.message, path=path, line=problem.line)
    if not isinstance(doc.data, dict):
        raise ConfigError("expected `key: value` pairs at the top level", path=path, line=1)
    return doc


def _load_model(path: Path, model: type[_M]) -> _M:
    doc = _read_yaml(path)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise _config_error(path, doc, exc, model) from None


def _load_teams(path: Path) -> dict[str, TeamSpec]:
    """Teams in either form: ``team: [@a, @b]`` or ``team: {members: [...], description: ...}``."""
    doc = _read_yaml(path)
    teams: dict[str, TeamSpec] = {}
    for name, value in doc.data.items():
        raw = {"members": value} if isinstance(value, list) else value
        try:
            teams[name] = TeamSpec.model_validate(raw)
        except ValidationError as exc:
            raise _config_error(path, doc, exc, TeamSpec, prefix=(name,)) from None
    return teams


def _load_slack_ids(path: Path, teams: Mapping[str, TeamSpec]) -> dict[str, str]:
    """``schema/slack-users.yaml``: who to mention in Slack alerts.  Optional: absent, nobody is mentioned.

    Each key must be a member of a team (a typo would silently never mention anyone) and
    each value a Slack member id.
    """
    if not path.is_file():
        return {}
    doc = _read_yaml(path)
    members = {m.casefold(): m for spec in teams.values() for m in spec.members}
    ids: dict[str, str] = {}
    for handle, member_id in doc.data.items():
        line = doc.line_of((handle,))
        if not isinstance(handle, str) or not _HANDLE.match(handle):
            raise ConfigError(f"`{handle}` is not a GitHub handle like @dana-sales", path=path, line=line)
        if handle.casefold() not in members:
            hint = did_you_mean(handle, sorted(members.values()))
            raise ConfigError(
                f"{hint.strip()} is not a member of any team in {SCHEMA_DIR}/{TEAMS_FILE}", path=path, line=line
            )
        if not isinstance(member_id, str) or not _SLACK_ID.match(member_id):
            raise ConfigError(
                f"{handle}: `{member_id}` is not a Slack member id like U024BE7LH "
                "(in Slack: the person's profile, ⋯, Copy member ID)",
                path=path,
                line=line,
            )
        ids[handle.casefold()] = member_id
    return ids


def _config_error(
    path: Path,
    doc: yamlsafe.YamlDocument,
    exc: ValidationError,
    model: type[BaseModel],
    prefix: tuple[str | int, ...] = (),
) -> ConfigError:
    # A misspelt key also makes the right one "missing": name the misspelling, with its hint.
    error = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    loc = (*prefix, *error["loc"])
    where = ".".join(str(part) for part in loc) or "(top level)"
    message = f"{where}: {_explain(error, model)}"
    return ConfigError(message, path=path, line=doc.line_of(tuple(loc)))


def _explain(error: Mapping[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        known = allowed_keys(model, error["loc"][:-1])
        hint = did_you_mean(key, known)
        return f"unknown key{hint}; expected one of: {', '.join(sorted(known))}"
    if kind == "missing":
        field = field_at(model, tuple(error["loc"]))
        if field is not None and field.examples:
            # A key added in a release: say what to write, not only that something is missing.
            return f"this key is required; for example `{error['loc'][-1]}: {field.examples[0]}`"
        return "this key is required"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    return message if isinstance(value, list | dict) else f"{message} (got {value!r})"


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str:
    """`` `wrod` (did you mean `word`?)`` — the key as written, with a suggestion if one is close."""
    import difflib  # only a file with a mistake needs it; a clean check does not pay its import

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" `{word}` (did you mean `{close[0]}`?)" if close else f" `{word}`"


def _cross_check(config: Config, schema: Path) -> None:
    """References between files: reviewers name real teams, templates exist, codes exist."""
    known = [*config.types.required_sections, *config.types.optional_sections]
    for role, name in config.types.sections:
        if section_key(name) not in {section_key(k) for k in known}:
            raise ConfigError(
                f"sections.{role}: section{did_you_mean(name, known)} is neither in required_sections nor in "
                "optional_sections",
                path=schema / TYPES_FILE,
            )
    unmatched = config.terms.unmatched
    if unmatched.category in config.terms.categories:
        raise ConfigError(
            f"unmatched.category: `{unmatched.category}` is also a category under `categories`; "
            "the fallback needs a name of its own",
            path=schema / TERMS_FILE,
        )
    named = [(name, c.reviewers) for name, c in config.terms.categories.items()]
    for name, reviewers in [*named, (None, unmatched.reviewers)]:
        for reviewer in reviewers:
            if not reviewer.startswith("@") and reviewer not in config.teams:
                where = f"categories.{name}.reviewers" if name else "unmatched.reviewers"
                raise ConfigError(
                    f"{where}: unknown team{did_you_mean(reviewer, list(config.teams))}"
                    f"; teams are defined in {SCHEMA_DIR}/{TEAMS_FILE}",
                    path=schema / TERMS_FILE,
                )
    if config.rules.admin_team not in config.teams:
        raise ConfigError(
            f"admin_team: unknown team{did_you_mean(config.rules.admin_team, list(config.teams))}",
            path=schema / RULES_FILE,
        )
    for code, level in config.rules.severity.items():
        if code not in BY_CODE:
            raise ConfigError(
                f"severity: unknown rule code{did_you_mean(code, list(BY_CODE))}",
                path=schema / RULES_FILE,
            )
        is_flag = BY_CODE[code].severity is Severity.FLAG
        if (level == "flag") != is_flag and level != "off":
            allowed = "flag or off" if is_flag else "error, warning or off"
            raise ConfigError(f"severity.{code}: must be {allowed}", path=schema / RULES_FILE)
    for type_name in config.type_names:
        if not config.template_path(type_name).is_file():
            raise ConfigError(
                f"types.{type_name}: template {config.template_path(type_name)} does not exist",
                path=schema / TYPES_FILE,
            )
