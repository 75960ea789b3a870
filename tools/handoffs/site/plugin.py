"""The mkdocs plugin (entry point ``handoffs``): a thin adapter over ``generate``.

``on_files`` collects and checks every handoff, asks ``generate.site_pages`` for the
pages and adds them as virtual files (nothing generated is ever written into the
repository); ``on_page_content`` writes each page's HTML from ``generate.page_html`` and
hands the searchable ones to the search index (``search``), which Pagefind builds in its
own process while mkdocs renders the templates (``on_env`` says the last page is in);
``on_post_build`` waits for it.  Nothing about what
a page says lives here, so another generator needs only another adapter.

A handoff with errors is still published, under a red banner, and each error is logged
as a warning, so ``mkdocs build --strict`` (what CI runs) fails and the problem is never published silently.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from handoffs import milestone_issue
from handoffs.approval_record import REVIEW_CACHE_DIR, REVIEW_CACHE_FILE, FetchReviews, ReviewCache
from handoffs.config import Config, load_config
from handoffs.engine import Job
from handoffs.errors import HandoffError
from handoffs.findings import Severity
from handoffs.metrics.analysis import CheckedFile
from handoffs.progress import ProgressBar
from handoffs.site import mkdocs_nav
from handoffs.site.charts import Chart, ChartWorker, Draw, PendingChart, fill, svg
from handoffs.site.collect import Site, collect
from handoffs.site.generate import (
    DEFAULT_HOME,
    HOME,
    Reports,
    SitePage,
    front_matter,
    home_html,
    page_html,
    page_meta,
    site_pages,
)
from handoffs.site.pages import Links
from handoffs.site.render import Linker
from handoffs.site.search import SearchIndex

log = get_plugin_logger(__name__)


class HandoffsConfig(MkDocsBaseConfig):  # type: ignore[no-untyped-call]  # mkdocs' metaclass hook
    root = c.Optional(c.Dir(exists=True))  # the handoffs repository; default: beside mkdocs.yml
    # Where the handoffs live is schema/rules.yaml's `handoffs_dir`, which every command
    # reads; this option is kept so an older mkdocs.yml still builds, and must agree.
    handoffs_dir = c.Optional(c.Type(str))
    base = c.Optional(c.Type(str))  # default: rules.base_branch in schema/rules.yaml
    cache_dir = c.Type(str, default=REVIEW_CACHE_DIR)
    milestone_label = c.Type(str, default=milestone_issue.LABEL)  # label of first-milestone issues
    # Where the repository lives, for history/edit/commit links. Not mkdocs' `repo_url`:
    # with that set, the theme's script asks api.github.com for stars and forks.
    repository_url = c.Optional(c.Type(str))
    search_index = c.Type(bool, default=True)  # build the Pagefind index of the handoff pages


class HandoffsPlugin(BasePlugin[HandoffsConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.site: Site | None = None
        self.pages: dict[str, SitePage] = {}
        self.rendering: ProgressBar | None = None  # a bar while a large site's pages are written
        self.search: SearchIndex | None = None  # this build's search index, fed page by page
        self.charts: ChartWorker | None = None  # draws this build's charts in another process
        self.pending: dict[str, list[PendingChart]] = {}  # page -> charts put in when it is written
        self.nav: Navigation | None = None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self._stop_workers()  # a served site rebuilds: never reuse the last build's
        try:
            self.charts = ChartWorker()  # started first: matplotlib loads while the handoffs are checked
        except HandoffError as exc:
            raise _abort(str(exc)) from None
        root = self._root(config)
        try:
            handoff_config = load_config(root)
        except HandoffError as exc:
            raise _abort(str(exc)) from None
        self._agree_on_folder(handoff_config)
        site = self._collect(root, handoff_config)
        self.site = site
        _report(site)
        links = Links(self.config.repository_url, self.config.base or handoff_config.rules.base_branch)
        pages = site_pages(site, links, *_reports(root, handoff_config, site.today, _checked(site)))
        self.pages = {page.src_uri: page for page in pages}
        self._start_search(config)
        in_nav = _nav_paths(config.nav)
        for page in pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            file = File.generated(config, page.src_uri, content=front_matter(page))
            files.append(file)
            if page.src_uri not in in_nav:  # a page in the nav gets its title there: mkdocs makes it
                _GeneratedPage(page_meta(page), file, config)
        if files.get_file_from_path(HOME) is None:
            files.append(File.generated(config, HOME, content=DEFAULT_HOME))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Generated pages carry only their metadata as Markdown; their HTML is written in
        # on_page_content (much faster than a Markdown round trip, and safer).
        return "" if page.file.src_uri in self.pages else markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        linker = self._linker(page, files)
        if uri in self.pages:
            if self.rendering is None:
                self.rendering = ProgressBar("Writing handoff pages", len(self.pages)).__enter__()
            self.rendering.advance()
            generated = self.pages[uri]
            body, toc = page_html(generated, linker, self._chart_placeholders(uri))
            page.toc = TableOfContents(_anchors(toc))
            if generated.search is not None and self.search is not None:
                self.search.add("/" + page.url, body)
            return body
        if uri == HOME and self.site is not None:
            # The home page is the admins' Markdown plus the generated "needs attention".
            extra, toc = home_html(self.site, linker)
            page.toc = TableOfContents([*page.toc, *_anchors(toc)])
            return html + "\n" + extra
        return html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        pending = self.pending.pop(page.file.src_uri, None)
        if not pending:
            return output
        try:
            return fill(output, pending)
        except HandoffError as exc:
            raise _abort(f"{page.file.src_uri}: {exc}") from None

    def _chart_placeholders(self, uri: str) -> Draw:
        """How ``uri``'s charts are drawn: by the worker, each leaving a placeholder until the page is written."""

        def later(chart: Chart) -> str:
            if self.charts is None:  # no build under way (never, in a build): draw it here
                return svg(chart)
            drawing = self.charts.submit(chart)
            self.pending.setdefault(uri, []).append(drawing)
            return drawing.placeholder

        return later

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page's content is written: Pagefind builds the index while mkdocs renders templates.
        if self.search is not None:
            self.search.write()
        if self.nav is not None:  # the navigation is rendered once for all handoff pages
            homepage = self.nav.homepage.url if self.nav.homepage else None
            linked = [homepage, config.theme.get("logo"), config.extra.get("homepage")]
            mkdocs_nav.install(env, self.nav, [url for url in linked if isinstance(url, str)])
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._stop_rendering()
        if self.charts is not None:
            self.charts.close()
            self.charts = None
        if self.pending:  # a page with charts that was never written: say so rather than lose them
            raise _abort(f"charts of {', '.join(sorted(self.pending))} were drawn but never put in")
        search, self.search = self.search, None
        if search is not None:
            try:
                search.wait()
            except HandoffError as exc:
                raise _abort(str(exc)) from None

    def _start_search(self, config: MkDocsConfig) -> None:
        if self.config.search_index:
            try:
                self.search = SearchIndex(Path(config.site_dir), language=str(config.theme.get("language") or "en"))
            except HandoffError as exc:
                raise _abort(str(exc)) from None

    def _linker(self, page: Page, files: Files) -> Linker:
        def url_of(uri: str) -> str | None:
            target = files.get_file_from_path(uri)
            return target.url_relative_to(page.file) if target is not None and target.is_documentation_page() else None

        links = Links(self.config.repository_url, self.site.base if self.site else "main")
        return Linker(page.file.src_uri, url_of, links.blob)

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_rendering()
        self._stop_workers()

    def _stop_workers(self) -> None:
        """Stop this build's chart worker and search indexing, if they run (a failed or repeated build)."""
        if self.charts is not None:
            self.charts.close()
            self.charts = None
        self.pending = {}
        if self.search is not None:
            self.search.abort()
            self.search = None

    def _stop_rendering(self) -> None:
        if self.rendering is not None:
            self.rendering.__exit__(None, None, None)
            self.rendering = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        root = self._root(config)
        try:
            folder = load_config(root).handoffs_path
        except HandoffError:  # the build reports it; watching schema/ lets the fix rebuild
            folder = root / "handoffs"
        for watched in (folder, root / "schema"):
            if watched.is_dir():
                server.watch(str(watched))
        return server

    def _agree_on_folder(self, handoff_config: Config) -> None:
        given = self.config.handoffs_dir
        if given is not None and given.strip("/") != handoff_config.handoffs_dir:
            raise _abort(
                f"mkdocs.yml says handoffs_dir: {given}, but schema/rules.yaml says handoffs_dir: "
                f"{handoff_config.handoffs_dir}; remove the mkdocs.yml option "
                "(schema/rules.yaml decides, for every command)"
            )

    def _root(self, config: MkDocsConfig) -> Path:
        if self.config.root:
            return Path(self.config.root).resolve()
        return Path(config.config_file_path or Path.cwd()).resolve().parent

    def _collect(self, root: Path, handoff_config: Config) -> Site:
        from handoffs.clock import today

        base = self.config.base or handoff_config.rules.base_branch
        job = Job(root=root, base=base, today=today(None), strict=False)
        files = _handoff_files(handoff_config.handoffs_path)
        online = self._github(root)
        if online is None:
            return collect(files, job, handoff_config)
        fetch, issues, cache = online
        try:
            site = collect(files, job, handoff_config, find_issue=issues.get, fetch_reviews=fetch, review_cache=cache)
        except HandoffError as exc:  # the API failed mid-way: publish from git rather than not at all
            log.warning(f"GitHub enrichment failed, approval records come from git only: {exc}")
            return collect(files, job, handoff_config)
        cache.save()
        return site

    def _github(self, root: Path) -> tuple[FetchReviews, dict[str, str], ReviewCache] | None:
        """Review fetcher, milestone issues and cache when a token is set; ``None`` offline."""
        from handoffs.approval_record import connect_from_env, review_fetcher, unreachable
        from handoffs.site.enrich import milestone_issues

        cache = ReviewCache(root / self.config.cache_dir / REVIEW_CACHE_FILE)
        try:
            repo = connect_from_env(os.environ)
            if repo is None:
                return None
            issues = milestone_issues(repo, self.config.milestone_label)
        except HandoffError as exc:
            # Not "offline": a token is set. As the gate does, each approval then says its
            # reviews could not be read, and why, instead of the offline stand-in.
            log.warning(f"GitHub enrichment failed, approval records come from git only: {exc}")
            return unreachable(str(exc)), {}, cache
        return review_fetcher(repo), issues, cache


class _GeneratedPage(Page):
    """A generated page as mkdocs sees it: its metadata is known and its HTML is written in
    ``on_page_content``, so there is no source to read back and no Markdown to convert
    (mkdocs makes a Markdown converter per page, about a millisecond each)."""

    def __init__(self, meta: dict[str, Any], file: File, config: MkDocsConfig) -> None:
        super().__init__(None, file, config)
        self._generated_meta = meta

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        self.meta = dict(self._generated_meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = TableOfContents([])
        self.present_anchor_ids = set()


def _nav_paths(nav: Any) -> set[str]:
    """Every page path named in mkdocs.yml's ``nav`` (strings, ``{title: path}``, nested sections)."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_paths(value) for value in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_nav_paths(item) for item in nav))
    return set()


def _handoff_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md") if p.is_file() and not _hidden(p, folder))


def _hidden(path: Path, top: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(top).parts)


def _report(site: Site) -> None:
    """One warning per error finding, so ``--strict`` fails; warnings stay informational."""
    for entry in site.entries:
        for finding in entry.result.findings:
            where = f"{finding.path}:{finding.line}"
            if finding.severity is Severity.ERROR:
                log.warning(f"{where}: {finding.code} {finding.message} (published with an error banner)")
            elif finding.severity is Severity.WARNING:
                log.info(f"{where}: {finding.code} {finding.message}")


def _anchors(tokens: Iterable[dict[str, Any]]) -> list[AnchorLink]:
    anchors = []
    for token in tokens:
        anchor = AnchorLink(token["name"], token["id"], token["level"])
        anchor.children = _anchors(token["children"])
        anchors.append(anchor)
    return anchors


def _abort(message: str) -> Exception:
    from mkdocs.exceptions import PluginError

    return PluginError(f"handoffs: {message}")


def _checked(site: Site) -> Iterator[CheckedFile]:
    """The files this build checked, with their bytes, so metrics need not check the same versions again."""
    for entry in site.entries:
        if entry.handoff is None:
            continue
        try:
            raw = entry.path.read_bytes()
        except OSError:
            continue  # then metrics check that version themselves
        yield CheckedFile(raw, entry.handoff, entry.result)


def _reports(
    root: Path, config: Config, today: dt.date, checked: Iterable[CheckedFile] = ()
) -> tuple[Reports | None, str | None]:
    """Metric records from git history, once per build, for the dashboard, quality and exception
    pages; or why there are none.  ``checked``: files the site already checked (their versions are
    not checked again)."""
    from handoffs.metrics.reviews import load_review_data
    from handoffs.metrics.service import collect_records, site_series

    try:
        records = collect_records(root, config, today, checked=checked)
        reviews = load_review_data(root, records, config)
        return Reports(records, reviews, site_series(records, reviews, today, config)), None
    except HandoffError as exc:
        # Outside a git checkout (a copied folder, an exported archive) there is no history to
        # measure: the handoff pages are still built, and the report pages say why they are empty.
        # A warning, so `mkdocs build --strict` (CI, which always has git) still fails.
        log.warning(f"metrics dashboard left empty: {exc}")
        return None, str(exc)
