"""checks/state.py: the state rules, judged on what a probe gathered, both ways."""

from __future__ import annotations

from conformance.checks import state
from conformance.contract import rules
from conformance.records.evidence import ConcurrentCreates, DuplicateName, MediaDuplicate, NameAfterRefusal
from conformance.records.exchange import Exchange, Expectation
from conformance.records.outcome import PASS, Failed


def _answer(status: int) -> Exchange:
    return Exchange(Expectation("probe"), "POST", "http://x/Streams", {}, {}, b"", None, {}, status, {}, b"{}", 0.0)


def test_every_state_rule_has_one_check():
    assert set(state.STATE.checks) == {"name-unique", "name-unique-concurrent", "media-duplicate-name",
                                       "name-free-after-refusal", *rules.PROBE_RULE_IDS}


def test_name_unique():
    assert state.name_unique(DuplicateName(_answer(200), _answer(422))) is PASS
    assert state.name_unique(DuplicateName(_answer(200), _answer(400))) is PASS
    assert isinstance(state.name_unique(DuplicateName(_answer(200), _answer(200))), Failed)
    assert state.name_unique(DuplicateName(_answer(500), _answer(200))) is None  # nothing live to collide with


def test_name_unique_concurrent():
    assert state.name_unique_concurrent(ConcurrentCreates((_answer(200), _answer(422), _answer(422)))) is PASS
    failed = state.name_unique_concurrent(ConcurrentCreates((_answer(200), _answer(200), _answer(422))))
    assert isinstance(failed, Failed) and failed.got == "2 were 200"


def test_media_duplicate_name():
    assert state.media_duplicate_name(MediaDuplicate(_answer(422), errored=False)) is PASS
    assert state.media_duplicate_name(MediaDuplicate(_answer(200), errored=True)) is PASS
    assert isinstance(state.media_duplicate_name(MediaDuplicate(_answer(200), errored=False)), Failed)


def test_name_free_after_refusal():
    assert state.name_free_after_refusal(NameAfterRefusal(_answer(422), _answer(200))) is PASS
    assert isinstance(state.name_free_after_refusal(NameAfterRefusal(_answer(422), _answer(422))), Failed)
    assert state.name_free_after_refusal(NameAfterRefusal(_answer(200), _answer(422))) is None
