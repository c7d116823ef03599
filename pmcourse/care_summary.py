"""The capstone: a one-page personalised care summary of one patient.

Module 7 of the course. :func:`care_summary` gathers what the course found for
one patient across modules 1-6 (pharmacogenomic result and its action, the
germline finding, the tumour biomarker and its therapy, the polygenic score and
its percentile) with the health data of module 7 (imaging, the wearable trend,
the WHO-5 score), each with the module it comes from, in a table and a figure a
clinician can read in a minute. Every result comes from the course's data and
the functions of modules 1-6; nothing is recomputed another way. Synthetic, not
for clinical use.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["SUMMARY_COLUMNS", "CareSummary", "care_summary"]

#: The columns of :attr:`CareSummary.table`.
SUMMARY_COLUMNS = {
    "section": "what the row is about: problem, pharmacogenomics, germline finding, "
    "tumour, polygenic score, imaging, wearable, PROM",
    "finding": "the result, in words and numbers",
    "action": "what it means for care (or 'none' / 'no action')",
    "source": "where it comes from: the course module and data set",
}


@dataclass(frozen=True)
class CareSummary:
    """A one-page care summary: a table of findings and a figure of trends.

    Attributes
    ----------
    patient_id : str
        The patient.
    table : pandas.DataFrame
        One row per finding, columns :data:`SUMMARY_COLUMNS`.
    figure : matplotlib.figure.Figure
        The wearable steps (weekly means) and the WHO-5 scores over time, with
        the key results in the title.
    """

    patient_id: str
    table: pd.DataFrame
    figure: Figure

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False)


def care_summary(patient_id: str) -> CareSummary:
    """The personalised care summary of one patient of the course.

    Parameters
    ----------
    patient_id : str
        A cohort patient, such as ``'PM-000030'`` (the capstone patient) or
        ``'PM-000008'`` (the practice patient).

    Returns
    -------
    CareSummary
        The table (:data:`SUMMARY_COLUMNS`) and the figure.
    """
    raise NotImplementedError("care_summary is being built; see the next commit.")
