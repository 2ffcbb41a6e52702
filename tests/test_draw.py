"""conformance/run/draw.py: reproducible draws without Hypothesis's engine, on the internals it names."""

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.internal.intervalsets import IntervalSet

from conformance.run import draw as drawing
from conformance.run.draw import Exhausted, draw, missing_internals, simplest, supported_hypothesis
from strategies import stream_requests


def test_every_hypothesis_internal_draw_needs_is_there():
    problems = missing_internals()
    assert not problems, ("Hypothesis internals conformance/run/draw.py relies on are gone or changed "
                          "(fix draw.py or lower the bound in pyproject.toml):\n" + "\n".join(problems))


def test_a_changed_internal_is_named(monkeypatch):
    def conjecture_data(*, random):  # a ConjectureData that lost prefix and max_choices
        raise AssertionError("never called")

    monkeypatch.setitem(drawing.REQUIRED_INTERNALS, "hypothesis.internal.conjecture.data.ConjectureData",
                        (conjecture_data, ("random", "prefix", "max_choices")))
    problems = missing_internals()
    assert len(problems) == 1
    assert "hypothesis.internal.conjecture.data.ConjectureData" in problems[0]
    assert "prefix, max_choices" in problems[0]


def _pyproject_hypothesis() -> str:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    return re.search(r'"(hypothesis[<>=][^"]*)"', text).group(1)


def test_the_supported_range_is_bounded_above_and_holds_the_installed_hypothesis():
    import hypothesis
    from packaging.requirements import Requirement

    requirement = Requirement(_pyproject_hypothesis())
    assert any(s.operator == "<" for s in requirement.specifier), f"{requirement}: no upper bound"
    installed = hypothesis.__version__
    assert requirement.specifier.contains(installed), f"Hypothesis {installed} outside {requirement}"
    assert Requirement(supported_hypothesis()) == requirement  # the installed metadata is this pyproject's


def test_a_missing_internal_is_named_on_import():
    hide = ("import hypothesis.internal.conjecture.choice as choice; del choice.ChoiceTemplate; "  # as if renamed
            "import conformance.run.draw")
    proc = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    for named in ("ChoiceTemplate", "hypothesis.internal.conjecture.choice", supported_hypothesis()):
        assert named in last, last


def test_same_seed_and_key_give_the_same_example():
    strategy = stream_requests()
    assert draw(strategy, 7, "valid-1").to_form() == draw(strategy, 7, "valid-1").to_form()


def test_different_keys_or_seeds_give_different_examples():
    strategy = st.integers(0, 2**60)
    drawn = {draw(strategy, 7, f"k{i}") for i in range(20)} | {draw(strategy, s, "k0") for s in range(8, 20)}
    assert len(drawn) == 32


def test_simplest_gives_the_simplest_example():
    assert simplest(st.integers(), 1, "k") == 0
    assert simplest(st.text(), 1, "k") == ""
    assert simplest(st.lists(st.booleans(), min_size=2), 1, "k") == [False, False]
    assert simplest(st.sampled_from(["first", "second"]), 1, "k") == "first"


def test_simplest_falls_back_to_a_draw_when_the_simplest_is_refused():
    assert simplest(st.integers(0, 100).filter(lambda n: n > 50), 1, "k") > 50


def test_an_unsatisfiable_strategy_is_exhausted():
    with pytest.raises(Exhausted, match="never-k"):
        draw(st.integers().filter(lambda n: False), 1, "never-k")


def _hash_during_draw():
    return st.builds(lambda _: vars(IntervalSet)["__hash__"], st.none())


def test_the_hash_patch_is_on_while_the_suite_draws_and_off_after():
    original = vars(IntervalSet)["__hash__"]
    assert draw(_hash_during_draw(), 1, "k") is not original
    assert simplest(_hash_during_draw(), 1, "k") is not original
    assert vars(IntervalSet)["__hash__"] is original
    with pytest.raises(Exhausted):
        draw(st.integers().filter(lambda n: False), 1, "k")
    assert vars(IntervalSet)["__hash__"] is original


def test_a_users_interval_set_hashes_as_hypothesis_defines_after_a_draw():
    draw(st.text(), 1, "unicode")  # draws hash IntervalSets
    mine = IntervalSet([(1, 2)])
    hash(mine)
    mine.intervals = ((3, 4),)  # a kept (leaked) hash would still be the old one
    assert hash(mine) == hash(((3, 4),))


def test_concurrent_draws_restore_the_hash_when_the_last_one_ends():
    original = vars(IntervalSet)["__hash__"]
    errors = []

    def drawing_thread(n):
        try:
            for i in range(20):
                draw(st.text(), n, f"t{i}")
        except Exception as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=drawing_thread, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert vars(IntervalSet)["__hash__"] is original
