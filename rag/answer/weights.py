"""The weights of the evidence features, in one place: what the answerer adds up to rank a
clause's passage as the answer. Fitted on the visible question sets with document-level
cross-validation (eval/fit_weights.py; the folds' scores are in docs/answering.md)."""

from __future__ import annotations

# A part of a multi-part question picks its passage: the part's own words found in it, a value of
# the type it asks (a fresh number, a date), and the clause's evidence rank; a part asking for words
# only is left to the best passage when its best pick holds under ``least_text_coverage`` of them.
# Fitted on the 26 multi-part items of kinds + provinces, two document folds: answer accuracy
# 0.929 / 0.583 (0.929 / 0.500 with no coverage floor; a floor on number and date parts too cost
# fold 0 an item; the whole question's words as a feature lowered fold 0 to 0.857; the noun asked
# for, "những tỉnh nào", changed nothing or cost an item, so neither is a feature).
PART_WEIGHTS: dict[str, float] = {
    "coverage": 1.0,
    "value_type": 0.3,
    "least_text_coverage": 0.4,
    "rank": 0.2,
}
