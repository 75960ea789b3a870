"""``handoff adopt``: set up a team's repository on a pinned release, or move it to a newer one.

Reads a checkout of a Handoffs release (``--release``; a clone of the published
repository at a tag), and writes into the team's repository (``--into``):

* the starter files the team then owns — ``schema/``, ``mkdocs.yml``, ``site-src/``, ``site-theme/``,
  the issue forms, the pull-request template, ``dependabot.yml`` — never
  overwriting one that exists;
* the workflows, pinned to the release's setup action at its commit.

With ``--upgrade`` only the workflows are rewritten (to the new pin); the rules
stay the team's.  Files come from the release's commit, so they match the pin.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from handoffs.commands._common import Subparsers
from handoffs.errors import HandoffError, UsageError

MKDOCS_REPO_URL = "repository_url: https://github.com/example-org/handoffs"


@dataclass(frozen=True)
class AdoptOptions:
    release: Path
    ref: str
    source: str
    into: Path
    repository: str | None
    upgrade: bool


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "adopt",
        help="set up a repository on a pinned Handoffs release (thin workflows), or --upgrade it",
        description=(
            "Copy the starter files (schema/, mkdocs.yml, site-src/, site-theme/, issue forms, PR template) "
            "of a release checkout into a repository, never overwriting, and write its workflows pinned to the "
            "release's setup action at the release commit. --upgrade rewrites only the workflows' pin."
        ),
    )
    parser.add_argument("--release", type=Path, required=True, help="a git checkout of the release (e.g. a tag)")
    parser.add_argument("--ref", default="HEAD", help="the release commit or tag in that checkout (default: HEAD)")
    parser.add_argument(
        "--source", required=True, metavar="OWNER/NAME", help="where the release is published on GitHub"
    )
    parser.add_argument("--into", type=Path, default=Path(), help="the repository to set up (default: here)")
    parser.add_argument(
        "--repo",
        metavar="OWNER/NAME",
        help="this repository on GitHub, for the site's links (default: $GITHUB_REPOSITORY)",
    )
    parser.add_argument("--upgrade", action="store_true", help="only move the workflows to this release")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = AdoptOptions(
        release=args.release,
        ref=args.ref,
        source=args.source,
        into=args.into,
        repository=args.repo or os.environ.get("GITHUB_REPOSITORY"),
        upgrade=args.upgrade,
    )
    return adopt(options)


def adopt(options: AdoptOptions) -> int:
    from handoffs.adoption import is_shipped_workflow, is_starter_file, release_of, thin_workflow
    from handoffs.git import file_at, files_at, resolve_commit

    if not options.into.is_dir():
        raise UsageError(f"--into {options.into}: no such directory")
    try:
        commit = resolve_commit(options.release, options.ref)
        paths = files_at(options.release, commit)
        init_text = file_at(options.release, commit, "tools/handoffs/__init__.py")
    except ValueError as exc:  # not a git checkout, or no such ref
        raise UsageError(f"--release {options.release}: {exc}") from None
    release = release_of(options.source, commit, init_text)
    written: list[str] = []
    kept: list[str] = []
    for path in paths:
        if is_shipped_workflow(path):
            text = thin_workflow(path, _read(options, commit, path), release)
            overwrite = options.upgrade
        elif is_starter_file(path) and not options.upgrade:
            text = _starter(path, _read(options, commit, path), options.repository)
            overwrite = False
        else:
            continue
        target = options.into / path
        if target.exists() and (not overwrite or target.read_text(encoding="utf-8") == text):
            kept.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(path)
    if not options.upgrade:
        for folder in ("handoffs", "evidence"):
            keep = options.into / folder / ".gitkeep"
            if not (options.into / folder).exists():
                keep.parent.mkdir(parents=True)
                keep.write_text("", encoding="utf-8")
                written.append(f"{folder}/.gitkeep")
    _report(release.action, written, kept, options.upgrade)
    if options.upgrade:
        from handoffs.adoption import release_notes

        notes = release_notes(file_at(options.release, commit, "CHANGELOG.md"), release.version)
        print(f"\nWhat v{release.version} changes (CHANGELOG.md); read its Upgrading part before merging:\n")
        print(notes or f"(no CHANGELOG.md entry for {release.version} in the release)")
    return 0


def _read(options: AdoptOptions, commit: str, path: str) -> str:
    from handoffs.git import file_at

    text = file_at(options.release, commit, path)
    if text is None:  # listed a moment ago: the checkout changed under us
        raise HandoffError(f"{path} vanished from the release checkout while reading it")
    return text


def _starter(path: str, text: str, repository: str | None) -> str:
    """Starter files as the team's own: the site links to its repository, not the release's."""
    if path == "mkdocs.yml" and repository:
        return text.replace(MKDOCS_REPO_URL, f"repository_url: https://github.com/{repository}")
    return text


def _report(action: str, written: list[str], kept: list[str], upgrade: bool) -> None:
    print(f"adopt: workflows pinned to {action}")
    for path in written:
        print(f"  wrote {path}")
    for path in kept:
        print(f"  kept  {path} (already there)" if not upgrade else f"  kept  {path} (already on this release)")
    if not upgrade:
        print("next: `handoff codeowners`, commit and push, then `handoff setup-github`")
