"""The state rules: judged on a sequence of exchanges a probe gathered (`records.evidence`), not on one."""

from __future__ import annotations

from conformance.records.evidence import ConcurrentCreates, DuplicateName, MediaDuplicate, NameAfterRefusal
from conformance.records.outcome import PASS, Failed, Outcome

from .registry import Registry

STATE = Registry("state")
check = STATE.check


@check("name-unique")
def name_unique(evidence: DuplicateName) -> Outcome:
    """Unique name "per Conference": a second live stream with the same Name is refused at once."""
    second = evidence.second
    if evidence.first.status != 200:
        return None  # nothing live to collide with; the first create's own failure is recorded
    if second.status in (400, 422):
        return PASS
    return Failed("400 or 422 for a second live stream with the same Name",
                  f"{second.status} {second.response_text[:200]}")


@check("name-unique-concurrent")
def name_unique_concurrent(evidence: ConcurrentCreates) -> Outcome:
    created = [ex for ex in evidence.exchanges if ex.status == 200]
    if len(created) <= 1:
        return PASS
    return Failed(f"at most one 200 among {len(evidence.exchanges)} simultaneous creates named alike",
                  f"{len(created)} were 200")


@check("media-duplicate-name")
def media_duplicate_name(evidence: MediaDuplicate) -> Outcome:
    """With --media a duplicate Name is a MUST: rejected at create, or the second stream's stream-error."""
    if evidence.second.status != 200 or evidence.errored:
        return PASS
    return Failed("the second create rejected, or a stream-error callback for it",
                  "200 and no stream-error: two live streams with one Name")


@check("name-free-after-refusal")
def name_free_after_refusal(evidence: NameAfterRefusal) -> Outcome:
    if not 400 <= evidence.refused.status < 500:
        return None  # the first create was not refused: its own rule says so
    if evidence.retry.status == 200:
        return PASS
    return Failed("200 for a valid create whose Name only a refused create had used",
                  f"{evidence.refused.status} then {evidence.retry.status} {evidence.retry.response_text[:200]}")
