"""The input model (conformance/contract/dimensions.py): every class real, sent, and labelled as its position says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import strategies
from conformance.contract import dimensions, rules
from conformance.run import lifecycle_probe, planner, probes
from conformance.run.draw import simplest

CATS = Path(__file__).parents[1] / "README.md"  # its "CATS as a floor" table
MODELS = list(dimensions.CLASSES.values())


def _accept_rule(request) -> str:
    return request.accepted_by or planner.accept_rule(request.encoding)


def _labelled_as(model, request) -> bool:
    if model.position is rules.Position.REJECT:
        return request.rule_ids == (model.judged_by,)
    if model.position is rules.Position.OPEN:
        return not request.rule_ids and request.open_point == model.judged_by
    return not request.rule_ids and request.open_point is None and _accept_rule(request) == model.judged_by


def test_every_class_named_in_cats_md_exists():
    named = set(re.findall(r"`((?:body|header|path|sequence)[\w.\-]*/[\w\-]+)`", CATS.read_text()))
    assert len(named) > 40  # the table was read, not an empty match
    assert named <= set(dimensions.CLASSES), sorted(named - set(dimensions.CLASSES))


def test_every_cats_fuzzer_of_the_three_families_has_a_row():
    rows = CATS.read_text()
    for fuzzer in ("MalformedJsonFuzzer", "DuplicateKeysFieldsFuzzer", "NullValuesInFieldsFuzzer",
                   "UnsupportedContentTypesHeadersFuzzer", "SSRFInUrlFieldsFuzzer", "EmptyJsonArrayBodyFuzzer"):
        assert f"| {fuzzer} |" in rows, fuzzer


@pytest.mark.parametrize("model", MODELS, ids=[m.id for m in MODELS])
def test_every_class_has_a_position_a_judge_and_a_basis(model):
    assert model.basis
    if model.position is rules.Position.OPEN:
        assert rules.open_point(model.judged_by).id == model.judged_by  # REST, media or state open points
    else:
        assert model.judged_by in rules.RULES, model.judged_by
        breakable = rules.get(model.judged_by).breakable
        assert breakable == (model.position is rules.Position.REJECT) or model.source.startswith("probe:")
    assert set(dimensions.coverage_members(model)) <= set(model.members) or not model.members


@pytest.mark.parametrize("model", MODELS, ids=[m.id for m in MODELS])
def test_every_class_names_a_source_that_exists_and_labels_its_requests(model):
    kind, _, name = model.source.partition(":")
    if kind == "members":
        built = strategies.members(name)
        chosen = model.members or tuple(built)
        assert set(chosen) <= set(built), set(chosen) - set(built)
        for member in chosen:
            assert _labelled_as(model, built[member]), (model.id, member, built[member])
    elif kind == "rule":
        assert model.judged_by == name
        strategy = planner._rule_strategy(rules.get(name))
        assert strategy is not None and _labelled_as(model, simplest(strategy, 1, f"dim/{model.id}"))
    elif kind == "open":
        assert model.judged_by == name
        assert _labelled_as(model, simplest(strategies.open_stream_requests(name), 1, f"dim/{model.id}"))
    elif kind == "auth":
        assert model.members
        for member in model.members:
            assert strategies.AUTH_MATRIX_JUDGED_BY[member] == model.judged_by, member
            assert _labelled_as(model, simplest(strategies.auth_matrix_cases(member, "form"), 1, member))
    elif kind == "text":
        request = simplest(strategies.boundary_stream_requests(name, "form"), 1, f"dim/{model.id}")
        assert _labelled_as(model, request)
    elif kind == "valid":
        assert model.judged_by in ("accept-valid-form", "accept-valid-json")
    elif kind == "planner":
        assert callable(getattr(planner, name))
    elif kind == "probe":
        assert callable(getattr(probes, name, None) or getattr(lifecycle_probe, name, None)), name
    else:
        assert model.source == "schemathesis:negative", model.source


def test_each_kind_of_a_class_is_sent_by_the_coverage_set_not_sampled():
    steps = planner.dimension_steps(1)
    sent = {s.name for s in steps}
    for model in MODELS:
        if not model.source.startswith("members:"):
            continue
        for member in dimensions.coverage_members(model):
            assert f"class {model.source.removeprefix('members:')}:{member}" in sent, (model.id, member)
    # the defect that showed the principle: both IPv6 addresses, every time, whatever the seed
    assert {"class url-ip-literal-each:Url:[2001:db8::1]",
            "class url-ip-literal-each:Url:[2001:db8:85a3::8a2e:370:7334]"} <= sent
    probed = {s.probe for s in planner.probe_steps()}
    assert probes.name_sequence in probed  # the sequence after a refused create: a probe of the coverage set


def test_members_left_out_of_the_coverage_set_are_depth_streams_sent_once():
    streams = planner.dimension_streams()
    assert "class:body-json-malformed:single-quotes" in streams
    assert "class:url-ip-literal-each:StatusCallback:[2001:db8::1]" in streams
    covered = {s.name.removeprefix("class ") for s in planner.dimension_steps(1) if s.request is not None}
    assert not {n.removeprefix("class:") for n in streams} & covered


def test_no_member_is_larger_than_the_safe_maximum():
    biggest = max(len(r.body_bytes()) for c in strategies.MEMBER_CLASS_IDS for r in strategies.members(c).values())
    assert biggest <= strategies.LARGE_BODY_BYTES == 64 * 1024


def test_unknown_class_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown input class"):
        dimensions.get("body/nope")
    with pytest.raises(ValueError, match="no members for class"):
        strategies.members("nope")
