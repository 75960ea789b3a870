"""The merge commit's approval record: ``Approved-by:`` trailers the joint approval verified.

Offline, the site, the gate and the metrics learn who approved a handoff from the
``Approved-by: @handle`` trailers of the commit that merged it.  Typed by whoever
merges, they would say whatever that person typed; written here, they name exactly
the people whose reviews satisfied a requirement of the ``handoff/joint-approval``
decision on the merged head commit — judged, person by person, by the joint
approval's own ``decide`` — and nobody else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handoffs.git import APPROVED_BY
from handoffs.pr.approval import Requirement, Review, decide

TRAILER = APPROVED_BY  # the readers (site, gate, metrics) parse the same key: handoffs.git
VERIFIED_BY = "Approvals-verified-by"


def verified_approvers(
    needed: Sequence[Requirement],
    reviews: Sequence[Review],
    *,
    author: str,
    head_sha: str,
    people: frozenset[str],
    same_change: Mapping[str, str] | None = None,
) -> list[str]:
    """Every candidate whose own review alone satisfies one of ``needed``, in requirement order.

    An approval carried over from an earlier commit with the same change counts here
    exactly as it counted in the decision (``same_change``, see ``decide``).
    """
    approvers: list[str] = []
    for requirement in needed:
        for candidate in sorted(requirement.candidates):
            alone = Requirement(requirement.role, frozenset({candidate}))
            verdict = decide(
                [alone], [], reviews, author=author, head_sha=head_sha, people=people, same_change=same_change
            )
            if verdict.satisfied:
                approvers.append(candidate)
    return list(dict.fromkeys(approvers))


def merge_message(description: str, approvers: Sequence[str], head_sha: str) -> str:
    """The commit message body: what was merged, then one trailer per verified approver."""
    trailers = [f"{TRAILER}: {who}" for who in approvers]
    trailers.append(f"{VERIFIED_BY}: handoff merge (handoff/joint-approval on {head_sha[:12]})")
    return (description.strip() + "\n\n" if description.strip() else "") + "\n".join(trailers)
