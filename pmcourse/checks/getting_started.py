"""Instant checks for module 0 (getting started).

Each check takes the learner's answer and returns a
:class:`pmcourse.check.CheckResult` (✅ or ❌ with a plain message and a hint).
Expected values are computed from the course data and never shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcourse import datasets
from pmcourse.check import CheckResult, check_value

__all__ = ["patients_in_region"]


def patients_in_region(answer: Any, *, region: str = "North Denmark") -> CheckResult:
    """Check the number of cohort patients living in one Danish region.

    Parameters
    ----------
    answer : object
        The learner's count, such as ``len(cohort[cohort["region"] == "North Denmark"])``.
    region : str, default "North Denmark"
        The region asked about.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import datasets
    >>> cohort = datasets.load("cohort")
    >>> patients_in_region(len(cohort[cohort["region"] == "North Denmark"])).passed
    True
    >>> print(patients_in_region(...).message)
    You have not answered yet: replace the ... with your answer.
    """
    name = "n_north"
    regions = datasets.load("cohort")["region"].astype(str)
    if region not in set(regions):
        raise ValueError(f"Unknown region {region!r}; known: {', '.join(sorted(set(regions)))}.")
    expected = int((regions == region).sum())
    if isinstance(answer, pd.DataFrame) and len(answer) == expected:
        return CheckResult(
            name,
            False,
            "Your table holds the right patients. Now count them: put len( ) around it.",
            hint="len(table) gives the number of rows of a table.",
        )
    slips = [
        (
            len(regions),
            "That is every patient in the cohort. Keep only the rows whose "
            "region is the one asked for, then count them.",
        ),
        (
            len(regions) - expected,
            "That looks like the patients living everywhere else. "
            "Use == (is equal to), not != (is not equal to).",
        ),
    ]
    hint = (
        'Select the rows with cohort[cohort["region"] == "..."] (spelling and capital '
        "letters must match the data exactly), then count them with len( )."
    )
    return check_value(answer, expected, name=name, hint=hint, tolerance=0, common_mistakes=slips)
