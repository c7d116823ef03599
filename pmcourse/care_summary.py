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

import base64
import io
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from pmcourse import health_data, oncology, pgx, plots, risk
from pmcourse.datasets import load
from pmcourse.reference import lookup

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
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        image = base64.b64encode(buffer.getvalue()).decode("ascii")
        return (
            f"<h4>Personalised care summary: {self.patient_id} (synthetic, not for clinical "
            f"use)</h4>{self.table.to_html(index=False)}"
            f'<img alt="Wearable steps and WHO-5 scores of {self.patient_id}" '
            f'src="data:image/png;base64,{image}">'
        )


#: Weeks with fewer days worn are left out of the wearable trend and the figure.
_MIN_DAYS_A_WEEK = 4


def _text(key: str, **values: object) -> str:
    """An action text of ``care_summary_actions.csv``, filled in with ``values``."""
    return lookup("care_summary_actions", "key", "text")[key].format(**values)


def _row(section: str, finding: str, action: str, source: str) -> dict[str, str]:
    return {"section": section, "finding": finding, "action": action, "source": source}


def _ordinal(number: float) -> str:
    n = int(round(number))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _of(name: str, patient_id: str) -> pd.DataFrame:
    frame = load(name)
    return frame[frame["patient_id"] == patient_id]


def _patient_rows(patient: pd.Series) -> list[dict[str, str]]:
    patient_id = patient["patient_id"]
    smoker = "smoker" if patient["smoker"] else "never-smoker"
    rows = [
        _row(
            "patient",
            f"{patient['age_years']}-year-old {'man' if patient['sex'] == 'male' else 'woman'}, "
            f"{patient['region']}, ancestry {patient['ancestry']}, {smoker}; LDL cholesterol "
            f"{patient['ldl_cholesterol_mmol_l']:.2f} mmol/L",
            "",
            "module 1 (cohort.csv)",
        )
    ]
    if _of("cad_outcomes", patient_id)[risk.OUTCOME].eq(1).any():
        rows.append(
            _row("problem", "coronary artery disease event", "", "module 6 (cad_outcomes.csv)")
        )
    cancer = _of("cancer_patients", patient_id)
    if not cancer.empty:
        tumour = cancer.iloc[0]
        rows.append(
            _row(
                "problem",
                f"{tumour['tumour_type']}, stage {tumour['stage']}",
                "",
                "module 5 (cancer_patients.csv)",
            )
        )
    medicines = _of("medications", patient_id)
    for ward, drugs in medicines.groupby("ward", observed=True)["drug"]:
        rows.append(
            _row("medicines", f"{ward}: {', '.join(drugs)}", "", "module 4 (medications.csv)")
        )
    return rows


def _pharmacogenomic_rows(patient_id: str) -> list[dict[str, str]]:
    source = "module 4 (diplotypes.csv, pmcourse.pgx)"
    diplotypes = _of("diplotypes", patient_id)
    if diplotypes.empty:
        return [_row("pharmacogenomics", "no genotype", _text("not_tested"), source)]
    profile = diplotypes.drop(columns=["patient_id", "ancestry"]).iloc[0].to_dict()
    alerts = pgx.drug_gene_alerts(list(_of("medications", patient_id)["drug"]), profile)
    if alerts.empty:
        finding = "no current medicine with an actionable result"
        return [_row("pharmacogenomics", finding, _text("no_pgx_alert"), source)]
    rows = []
    for alert in alerts.itertuples(index=False):
        genes = "; ".join(
            f"{gene} {profile[gene.strip()]} ({phenotype.strip()})"
            for gene, phenotype in (part.split(":") for part in alert.genes.split(";"))
        )
        rows.append(
            _row(
                "pharmacogenomics",
                f"{genes}: takes {alert.drug}",
                f"{alert.action}: {alert.recommendation}",
                source,
            )
        )
    return rows


def _tumour_rows(patient_id: str) -> list[dict[str, str]]:
    cancer = _of("cancer_patients", patient_id)
    if cancer.empty:
        return [_row("tumour", "no cancer in the course's data", "", "module 5")]
    patient = cancer.iloc[0]
    variants = _of("tumour_variants", patient_id)
    source = "module 5 (tumour_variants.csv, pmcourse.oncology)"
    if patient["testing"] == "tumour-normal":
        origin = oncology.variant_origin(variants)
        germline = variants[(origin == "germline") & variants["driver"].astype(bool)]
        if germline.empty:
            rows = [_row("germline finding", "none", _text("no_germline"), source)]
        else:
            rows = [
                _row(
                    "germline finding",
                    f"{v.gene} {v.alteration} ({v.hgvs_p}), in the blood sample too",
                    _text("germline"),
                    source,
                )
                for v in germline.itertuples(index=False)
            ]
    else:
        rows = [_row("germline finding", "tumour-only testing", _text("not_tested"), source)]
    tmb = oncology.tumour_mutational_burden(variants, patient["panel_size_mb"])
    markers = oncology.biomarkers(variants, msi_status=patient["msi_status"], tmb=tmb)
    therapies = oncology.match_therapies(markers, patient["tumour_type"])
    approved = therapies[therapies["approved_for_tumour"].astype(bool)]
    action = "; ".join(f"{t.biomarker}: {t.therapy} ({t.setting})" for t in approved.itertuples())
    rows.append(
        _row(
            "tumour",
            f"{', '.join(markers) or 'no actionable biomarker'}; TMB {tmb:.1f} per Mb",
            action or f"no approved targeted therapy for {patient['tumour_type']}",
            source,
        )
    )
    return rows


def _polygenic_score_row(patient_id: str) -> dict[str, str]:
    dosages = load("prs_dosages").set_index("patient_id")
    weights = risk.cad_weights()
    scores = risk.polygenic_score(dosages[weights.index], weights)
    european = scores[dosages["ancestry"] == "EUR"]
    place = risk.percentile([scores[patient_id]], european).item()
    top = bool(risk.top_percent([scores[patient_id]], 5, european).item())
    return _row(
        "polygenic score",
        f"coronary artery disease score at the {_ordinal(place)} percentile of the "
        "cohort's European-ancestry patients",
        _text("prs_top" if top else "prs_not_top"),
        "module 6 (prs_dosages.csv, pmcourse.risk)",
    )


def _imaging_rows(patient_id: str) -> list[dict[str, str]]:
    scans = _of("imaging", patient_id)
    source = "module 7 (imaging.csv)"
    if scans.empty:
        return [_row("imaging", "no cardiac scan", "", source)]
    scan = scans.iloc[0]
    categories = lookup("imaging_categories", "category", "meaning")
    rows = []
    for measure, unit in [("cac_agatston", " Agatston"), ("lvef_percent", "%")]:
        category = health_data.imaging_category(measure, scan[measure])
        name = "calcium score" if measure == "cac_agatston" else "ejection fraction"
        rows.append(
            _row(
                "imaging",
                f"{name} {scan[measure]}{unit} ({scan['scan_date']}): {category}",
                categories[category],
                source,
            )
        )
    return rows


def _wearable_row(weekly: pd.DataFrame) -> dict[str, str]:
    source = "module 7 (wearables.csv)"
    full = weekly[weekly["days_worn"] >= _MIN_DAYS_A_WEEK]
    if len(full) < 4:
        return _row("wearable", "too few weeks of data for a trend", "", source)
    first = full["mean_steps_per_day"].head(2).mean()
    last = full["mean_steps_per_day"].tail(2).mean()
    return _row(
        "wearable",
        f"steps per day {first:,.0f} in the first two weeks, {last:,.0f} in the last two "
        f"({last / first - 1:+.0%}) over {int(weekly['week'].max())} weeks; "
        f"{int(weekly['days_flagged'].sum())} days with an artefact removed",
        _text("wearable"),
        source,
    )


def _prom_row(prom: pd.DataFrame, scores: pd.Series) -> dict[str, str]:
    source = "module 7 (prom.csv, WHO-5)"
    if prom.empty:
        return _row("PROM", "no WHO-5 questionnaire", "", source)
    latest, first = float(scores.iloc[-1]), float(scores.iloc[0])
    change = _text(
        "prom_change",
        change=latest - first,
        first_date=prom["date"].iloc[0],
        meaningful=health_data.prom_scoring()["meaningful_change"],
    )
    return _row(
        "PROM",
        f"WHO-5 well-being {latest:.0f} of 100 ({prom['date'].iloc[-1]}); {change}",
        health_data.prom_meaning(latest),
        source,
    )


def _figure(
    patient_id: str, weekly: pd.DataFrame, prom: pd.DataFrame, scores: pd.Series
) -> Figure:
    figure = Figure(figsize=(10, 3.6), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[3, 2])
    if weekly.empty:
        left.text(0.5, 0.5, "no wearable data", ha="center", transform=left.transAxes)
        left.set_axis_off()
    else:
        plots.plot_wearable_trend(weekly[weekly["days_worn"] >= _MIN_DAYS_A_WEEK], ax=left)
    if prom.empty:
        right.text(0.5, 0.5, "no WHO-5 questionnaire", ha="center", transform=right.transAxes)
        right.set_axis_off()
    else:
        plots.plot_prom_scores(prom["date"], scores, ax=right)
    figure.suptitle(f"{patient_id}: activity and well-being (synthetic, not for clinical use)")
    return figure


def care_summary(patient_id: str) -> CareSummary:
    """The personalised care summary of one patient of the course.

    Gathers, for one cohort patient, the results of modules 1-6 and the health
    data of module 7, each computed by the module's own functions on the
    course's data: the patient and problem list, pharmacogenomic advice for the
    current medicines (:func:`pmcourse.pgx.drug_gene_alerts`), the germline
    finding and tumour biomarkers with their approved therapies
    (:func:`pmcourse.oncology.variant_origin`, :func:`~pmcourse.oncology.biomarkers`,
    :func:`~pmcourse.oncology.match_therapies`), the polygenic score's
    percentile (:func:`pmcourse.risk.percentile`), imaging, the wearable trend
    (:func:`pmcourse.health_data.weekly_summary`) and the WHO-5 score
    (:func:`pmcourse.health_data.score_prom`). A patient without some data
    gets a row that says so.

    Parameters
    ----------
    patient_id : str
        A cohort patient, such as ``'PM-000030'`` (the capstone patient) or
        ``'PM-000008'`` (the practice patient).

    Returns
    -------
    CareSummary
        The table (:data:`SUMMARY_COLUMNS`) and the figure. In a notebook, the
        summary shows as a heading, the table and the figure.

    Raises
    ------
    ValueError
        When the patient is not in the cohort.

    Examples
    --------
    >>> summary = care_summary("PM-000030")
    >>> summary.table.loc[summary.table["section"] == "tumour", "action"].item()
    'EGFR L858R: osimertinib (first line, locally advanced or metastatic)'
    >>> summary.table.loc[summary.table["section"] == "germline finding", "finding"].item()
    'BRCA2 S1982fs (p.Ser1982ArgfsTer22), in the blood sample too'
    """
    cohort = load("cohort")
    if not isinstance(patient_id, str) or not cohort["patient_id"].eq(patient_id).any():
        raise ValueError(
            f"There is no patient {patient_id!r} in the cohort. Patient identifiers look "
            "like 'PM-000030' (the capstone patient) or 'PM-000008'."
        )
    patient = cohort[cohort["patient_id"] == patient_id].iloc[0]
    wearables = _of("wearables", patient_id)
    weekly = health_data.weekly_summary(wearables) if not wearables.empty else wearables
    prom = _of("prom", patient_id).sort_values("date")
    scores = health_data.score_prom(prom) if not prom.empty else pd.Series(dtype=float)
    rows = [
        *_patient_rows(patient),
        *_pharmacogenomic_rows(patient_id),
        *_tumour_rows(patient_id),
        _polygenic_score_row(patient_id),
        *_imaging_rows(patient_id),
        _wearable_row(weekly)
        if not wearables.empty
        else _row("wearable", "no wearable data", "", "module 7 (wearables.csv)"),
        _prom_row(prom, scores),
    ]
    table = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    return CareSummary(patient_id, table, _figure(patient_id, weekly, prom, scores))
