"""Whether the site may be deployed to GitHub Pages: never a public site from a private repository.

The site shows every handoff's deal amount and custom terms.  On every GitHub plan
except Enterprise Cloud a Pages site is public even when its repository is private,
so deploying is an explicit opt-in and, before each deployment, this decision is
made from what GitHub's API says *now* (the repository's visibility and the Pages
site's ``public`` flag).  It fails closed: an answer it does not understand, or no
answer, refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from handoffs.github import Visibility

PRIVATE_OPTIONS = (
    "Keep the site private instead: on GitHub Enterprise Cloud set Settings → Pages → Visibility to "
    "Private (only people who can read the repository can open it), or leave Pages off and host the "
    "`site` artifact of the Publish workflow behind your company's single sign-on."
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def may_deploy(repository: str, seen: Visibility) -> Decision:
    """May the site of ``repository`` go to its Pages site, given what GitHub reported?"""
    if seen.repository not in ("public", "private", "internal"):
        return Decision(False, f"GitHub did not say whether {repository} is public or private; not deploying.")
    if not seen.pages_enabled:
        return Decision(
            False,
            f"GitHub Pages is not enabled for {repository}; not deploying. Enable it with the source "
            "“GitHub Actions” only if the site may be seen by everyone who can see it (see below).",
        )
    if not isinstance(seen.pages_public, bool):
        return Decision(False, f"GitHub did not say whether the Pages site of {repository} is public; not deploying.")
    site = seen.pages_url or "the Pages site"
    if seen.repository == "public":
        # Everything the site shows is already readable by anyone in the repository itself.
        return Decision(True, f"{repository} is public, so its handoffs already are: deploying to {site}.")
    if seen.pages_public:
        return Decision(
            False,
            f"Refusing to deploy: {repository} is {seen.repository}, but its GitHub Pages site ({site}) is "
            "public. Anyone on the internet could read the deal amounts and custom terms of every handoff.",
        )
    return Decision(
        True,
        f"{repository} is {seen.repository} and its Pages site is private (only people who can read the "
        f"repository can open it): deploying to {site}.",
    )
