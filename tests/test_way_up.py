"""The way up equals brute force: the minimal sets of at most three fact changes that lift
a question's lowest bound, on every shipped template and the non-monotone test rules."""

from __future__ import annotations

import itertools

import pytest
from bounds_oracle import (
    AUDITS,
    SETTINGS,
    Oracle,
    analyse,
    blank,
    draw_cases,
    rule_set,
)
from hypothesis import given
from hypothesis import strategies as st

from checker.bounds.analysis import QUESTION
from checker.bounds.raising import MAX_LISTED, WayUp, minimal_raises, to_raise


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_minimal_raises_equal_brute_force(set_name, audit_id, data):
    rules = rule_set(set_name)
    _complete, case = draw_cases(data, rules, blank(set_name, audit_id), max_unknown=2, skip=False)
    analysis, oracle = analyse(rules, case), Oracle(rules, case)
    question = data.draw(st.sampled_from(rules.audits[audit_id].questions), label="question")
    key = (QUESTION, question.id)
    lowest = analysis.bounds_of(key)[0]
    for target in range(lowest + 1, min(lowest + 3, len(analysis.grades))):
        found = minimal_raises(analysis, key, target)
        domains = analysis.problem.domains
        mine = {
            frozenset(
                (
                    f,
                    oracle.signature(
                        f, (domains[f].classes[i].value, domains[f].classes[i].underlag)
                    ),
                )
                for f, i in changes
            )
            for changes in found
        }
        assert len(mine) == len(found)
        assert mine == oracle.minimal_raises(question.id, analysis.grades[target]), target
        assert [len(changes) for changes in found] == sorted(len(c) for c in found)


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_listed_ways_up_are_minimal_and_fewest_first(set_name, audit_id, data):
    rules = rule_set(set_name)
    _complete, case = draw_cases(data, rules, blank(set_name, audit_id))
    analysis = analyse(rules, case)
    for question in rules.audits[audit_id].questions:
        key = (QUESTION, question.id)
        entries, unreachable = to_raise(analysis, key)
        lowest = analysis.bounds_of(key)[0]
        targets = [
            analysis.grades[t] for t in range(lowest + 1, min(lowest + 3, len(analysis.grades)))
        ]
        assert {e["target"] for e in entries} | {u["target"] for u in unreachable} == set(targets)
        for target in targets:
            listed = [e for e in entries if e["target"] == target]
            assert len(listed) <= MAX_LISTED
            assert (not listed) == any(u["target"] == target for u in unreachable)
            sizes = [len(e["changes"]) for e in listed]
            assert sizes == sorted(sizes)
            allowed = {
                frozenset(f for f, _i in changes)
                for changes in minimal_raises(analysis, key, analysis.grades.index(target))
            }
            assert all(frozenset(c["fact"] for c in e["changes"]) in allowed for e in listed)
            if set_name == "shipped":
                assert all(e["criteria"] for e in listed), "a way up changes some criterion"


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_policy_needs_never_rule_out_a_set_the_witness_bound_keeps(set_name, audit_id, data):
    """What the policy's needs rule out (whole sizes, or one set of facts), the witness
    bound rules out too, so the search finds the same sets with them as without."""
    rules = rule_set(set_name)
    _complete, case = draw_cases(data, rules, blank(set_name, audit_id))
    analysis = analyse(rules, case)
    for question in rules.audits[audit_id].questions:
        key = (QUESTION, question.id)
        way_up = WayUp(analysis, key)
        if way_up.reach is None:
            continue
        scope, problem = way_up.scope, analysis.problem
        lowest = analysis.bounds_of(key)[0]
        for target in range(lowest + 1, len(analysis.grades)):
            needs = way_up.reach.needs(target)
            if needs is None:
                continue
            for size in (1, 2, 3):
                kept = [
                    chosen
                    for chosen in itertools.combinations(way_up.facts, size)
                    if scope.highest_changing(problem, chosen) >= target
                ]
                assert all(needs.admits(chosen) for chosen in kept), (target, size)
                assert needs.within(size) or not kept, (target, size)
