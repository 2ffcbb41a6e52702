"""The state rules: judged on a sequence of exchanges a probe gathered (`records.evidence`), not on one."""

from __future__ import annotations

from conformance.records.evidence import (
    ConcurrentCreates,
    DuplicateName,
    MediaDuplicate,
    NameAfterRefusal,
    OtherConference,
    ScopelessCreate,
    Stopped,
    UpdateAnswer,
)
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
# --- issue 19 (run side): the life cycle, the Name's scope, the token's scope -------------------------
def _stopped(evidence: Stopped) -> Outcome:
    """The stop's answer is the stream (same sid, account, conference, name) with status stopped."""
    created, stop = evidence.created, evidence.stop
    if created.status != 200 or not isinstance(created.json, dict):
        return None  # nothing was created to stop; the create's own failure is recorded
    got = f"{stop.status} {stop.response_text[:200]}"
    if stop.status != 200 or not isinstance(stop.json, dict):
        return Failed(f"200 with the stream stopped (addressed by its {evidence.by})", got)
    wanted = {key: created.json.get(key) for key in ("sid", "account_sid", "conference_sid", "name")}
    wanted["status"] = "stopped"
    wrong = [f"{key} {stop.json.get(key)!r} (expected {value!r})" for key, value in wanted.items()
             if stop.json.get(key) != value]
    if wrong:
        return Failed(f"the stopped stream's own fields, status stopped (addressed by its {evidence.by})",
                      "; ".join(wrong))
    return PASS


@check("stop-by-sid")
def stop_by_sid(evidence: Stopped) -> Outcome:
    return _stopped(evidence)


@check("stop-by-name")
def stop_by_name(evidence: Stopped) -> Outcome:
    return _stopped(evidence)


@check("stop-unknown-404")
def stop_unknown_404(evidence: UpdateAnswer) -> Outcome:
    update = evidence.update
    if update.status == 404:
        return PASS
    return Failed("404 for a stream sid that does not exist", f"{update.status} {update.response_text[:200]}")


@check("stop-status-only-stopped")
def stop_status_only_stopped(evidence: UpdateAnswer) -> Outcome:
    update = evidence.update
    if update.status in (400, 422):
        return PASS
    return Failed("400 or 422 for Status other than stopped", f"{update.status} {update.response_text[:200]}")


@check("name-per-conference")
def name_per_conference(evidence: OtherConference) -> Outcome:
    if evidence.first.status != 200 or evidence.second is None:
        return None  # nothing live to compare with, or no second conference: N/A (the note says which)
    second = evidence.second
    if second.status == 200:
        return PASS
    return Failed("200: the Name is live in another conference only", f"{second.status} {second.response_text[:200]}")


DOCUMENTED_REFUSALS = (400, 401, 404, 422)


@check("token-scope")
def token_scope(evidence: ScopelessCreate) -> Outcome:
    ex = evidence.exchange
    if ex is None:
        return None  # no --scopeless-token: N/A
    if ex.status in DOCUMENTED_REFUSALS:
        return PASS
    return Failed("a documented refusal (401, code 20003) for a token without the Voice scope",
                  f"{ex.status} {ex.response_text[:200]}")
