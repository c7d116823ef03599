"""The bench's own logic (make bench): budgets, statistics, rendering, selection, measuring.

These tests are quick: they use made-up figures and tiny commands, never the
benchmarks themselves, which only `make bench` runs.
"""

import json
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from markdown_it import MarkdownIt

from bench import benchmarks, core, measure, reading, run
from bench.core import Result

ROOT = Path(__file__).resolve().parents[1]


def _results() -> list[Result]:
    return [
        Result("notebooks", "a.ipynb: wall time", 4.0, "s", budget=20.0, runs=[4.0, 5.0, 3.0]),
        Result("cohort", "peak RSS", 2500.0, "MB", budget=2000.0, statistic="max", runs=[2500]),
        Result("grading", "autograde | 40", 80.0, "s", statistic="single run", note="a | b $5"),
    ]


def test_status_compares_the_value_with_its_budget():
    assert Result("x", "at the budget", 20.0, "s", budget=20.0).status == "pass"
    assert Result("x", "over", 20.01, "s", budget=20.0).status == "FAIL"
    assert Result("x", "no budget", 1e9, "s").status == "recorded"
    assert Result("x", "not measured", None, "s", budget=1.0).status == "error"
    assert Result.failed("x", "broke", ValueError("boom\nlast line")).status == "error"
    assert Result.failed("x", "broke", ValueError("boom\nlast line")).note == "last line"
    assert Result.failed("x", "broke", "\x1b[91mWARNING: red\x1b[39;49;00m").note == "WARNING: red"


def test_share_of_budget():
    assert Result("x", "y", 5.0, "s", budget=20.0).share_of_budget == 0.25
    assert Result("x", "y", 5.0, "s").share_of_budget is None


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit must be one of"):
        Result("x", "y", 1.0, "seconds")


def test_a_failed_or_broken_figure_fails_the_run():
    figures = _results()
    assert not core.passed(figures)
    assert core.passed([figures[0], figures[2]])
    assert not core.passed([figures[0], Result.failed("x", "y", "no notebook")])
    assert core.passed([])


def test_median_and_ratio():
    assert core.median([5.0, 1.0, 3.0]) == 3.0
    assert core.median([1.0, 2.0, 3.0, 100.0]) == 2.5
    with pytest.raises(ValueError, match="at least once"):
        core.median([])
    assert core.ratio(1.0, 4.0) == 0.25
    with pytest.raises(ValueError, match="broken"):
        core.ratio(1.0, 0.0)


def test_terminal_table_has_one_aligned_row_per_figure():
    lines = core.render_table(_results()).splitlines()
    assert lines[0].split() == core.HEADER
    assert len(lines) == 2 + len(_results())
    assert lines[2].split()[-1] == "pass" and lines[3].split()[-1] == "FAIL"
    assert lines[4].endswith("recorded")
    assert "median of 3" in lines[2] and "<= 20 s" in lines[2] and "20%" in lines[2]
    assert "125%" in lines[3]
    assert core.render_notes(_results()) == ""
    broken = [*_results(), Result.failed("book", "build", "WARNING: no page")]
    assert core.render_notes(broken) == "error: book, build: WARNING: no page"


def test_json_record_holds_status_and_machine(tmp_path):
    path = core.write_json(tmp_path / "r" / "x.json", _results(), {"CPU": "test"}, {"n": 1})
    record = json.loads(path.read_text())
    assert record["passed"] is False and record["machine"] == {"CPU": "test"}
    assert record["n"] == 1
    assert [r["status"] for r in record["results"]] == ["pass", "FAIL", "recorded"]


def _page() -> str:
    machine = {"date": "2026-01-01 00:00 UTC", "git commit": "abc1234", "CPU": "Test CPU"}
    methods = {"notebooks": "Runs | notebooks.", "cohort": "Costs $5."}
    return core.render_page(_results(), machine, methods, duration_s=90)


def test_page_is_markdown_with_two_tables_and_no_math():
    page = _page()
    assert page.startswith("# Benchmarks and budgets\n")
    assert sum(line.startswith("# ") for line in page.splitlines()) == 1
    tokens = MarkdownIt("commonmark").enable("table").parse(page)
    assert sum(token.type == "table_open" for token in tokens) == 2
    rows = [line for line in page.splitlines() if line.startswith("| ")]
    assert len({line.count(" | ") for line in rows[: 2 + len(_results())]}) == 1
    assert "$" not in page.replace("```bash", "").split("## Running")[0]
    assert "abc1234" in page and "Test CPU" in page and "1.5 minutes" in page
    assert "**1 of 2 budgeted figures broke their budget" in page
    assert "`notebooks`\n: Runs / notebooks." in page
    assert "make bench ONLY=notebooks" in page


def test_page_says_when_every_budget_was_met():
    page = core.render_page(_results()[:1], {}, {}, duration_s=60)
    assert "every budget was met" in page


def test_registry_has_the_benchmarks_of_the_issue_in_order():
    assert list(benchmarks.BENCHMARKS) == [
        "notebooks",
        "reading",
        "masters",
        "import",
        "widgets",
        "data",
        "cohort",
        "book",
        "grading",
        "learner",
    ]
    for name, benchmark in benchmarks.BENCHMARKS.items():
        assert benchmark.name == name and benchmark.summary and len(benchmark.method) > 80


def test_budgets_are_those_of_the_course():
    assert (benchmarks.NOTEBOOK_WALL_S, benchmarks.NOTEBOOK_PEAK_MB) == (20, 400)
    assert benchmarks.IMPORT_RATIO == 1.5 and benchmarks.WIDGET_UPDATE_MS == 100
    assert benchmarks.IMPORT_BASELINE == "import pandas, matplotlib.pyplot"
    assert benchmarks.DATA_WALL_S == 30 and benchmarks.REBUILD_RATIO == 0.2
    assert (benchmarks.COHORT_WALL_S, benchmarks.COHORT_PEAK_MB) == (10, 2000)
    assert benchmarks.COHORT_PATIENTS == 1_000_000 and benchmarks.GRADING_COPIES == 40
    assert benchmarks.ESTIMATE_OFF_PERCENT == 20
    assert (benchmarks.HUB_MACHINE_GB, benchmarks.HUB_MARGIN) == (24, 0.2)
    assert benchmarks.HUB_LEARNERS_GOAL == 40


def test_select_keeps_registry_order_and_names_unknown_benchmarks():
    assert run.select([]) == list(benchmarks.BENCHMARKS)
    assert run.select(["import", "notebooks"]) == ["notebooks", "import"]
    assert run.select(["import,widgets"]) == ["import", "widgets"]
    assert run.select(["cohort  data"]) == ["data", "cohort"]  # make bench ONLY="cohort data"
    with pytest.raises(
        ValueError, match="'nope'.*the benchmarks are: notebooks, reading, masters"
    ):
        run.select(["nope"])


def test_command_line_lists_and_refuses_unknown_names(capsys):
    assert run.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in benchmarks.BENCHMARKS)
    assert run.main(["nope"]) == 2
    assert "no benchmark called 'nope'" in capsys.readouterr().err


@pytest.fixture
def fake_benchmarks(monkeypatch, tmp_path):
    """Two quick made-up benchmarks instead of the real ones; the page goes to tmp_path."""

    def fine(options):
        return [Result("fine", "quick", 1.0, "s", budget=2.0, runs=[1.0])]

    def broken(options):
        raise RuntimeError("the benchmark itself broke")

    registry = {
        "fine": benchmarks.Benchmark("fine", "a fine one", "Measures nothing.", fine),
        "broken": benchmarks.Benchmark("broken", "a broken one", "Raises.", broken),
    }
    monkeypatch.setattr(run, "BENCHMARKS", registry)
    monkeypatch.setattr(run, "PAGE", tmp_path / "benchmarks.md")
    return tmp_path


def test_a_broken_benchmark_is_an_error_and_fails_the_run(fake_benchmarks, capsys):
    results = fake_benchmarks / "results"
    code = run.main(["--results-dir", str(results)])
    out = capsys.readouterr().out
    assert code == 1
    assert "RuntimeError: the benchmark itself broke" in (results / "latest.json").read_text()
    assert "error" in out and "pass" in out
    assert (fake_benchmarks / "benchmarks.md").is_file()  # a full run rewrites the page


def test_one_benchmark_alone_passes_and_leaves_the_page(fake_benchmarks, capsys):
    results = fake_benchmarks / "results"
    assert run.main(["fine", "--results-dir", str(results)]) == 0
    assert "all budgets met" in capsys.readouterr().out
    assert len(list(results.glob("*.json"))) == 2  # the run's own file and latest.json
    assert not (fake_benchmarks / "benchmarks.md").exists()


def test_first_cell_imports_are_the_import_statements_of_the_first_importing_cell(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("import nothing_from_markdown"),
        nbformat.v4.new_code_cell("1 + 1  # module 0 opens with a sum"),
        nbformat.v4.new_code_cell(
            "%matplotlib inline\n"
            "!pip list\n"
            "import pandas as pd\n"
            "from pmcourse import datasets, plots  # the course library\n"
            "cohort = datasets.load('cohort')\n"
            "if False:\n"
            "    import nested_is_left_out\n"
            "import numpy, json"
        ),
        nbformat.v4.new_code_cell("import scipy"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    assert benchmarks.first_cell_imports(path) == [
        "import pandas as pd",
        "from pmcourse import datasets, plots",
        "import numpy, json",
    ]
    notebook.cells = notebook.cells[:2]
    nbformat.write(notebook, path)
    assert benchmarks.first_cell_imports(path) == []


def test_every_learner_notebook_imports_something_in_its_first_cell():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        statements = benchmarks.first_cell_imports(path)
        assert statements, f"{path.name}: the import benchmark would time nothing"
        compile("\n".join(statements), path.name, "exec")


def test_import_results_hold_each_notebook_to_one_and_a_half_baselines():
    results = benchmarks.import_results(
        [400.0, 380.0, 420.0],
        {"notebooks/a.ipynb": [590.0, 600.0, 610.0], "notebooks/b.ipynb": [900.0, 800.0]},
        {"notebooks/a.ipynb": "import pandas"},
    )
    assert [r.what for r in results] == [
        "import pandas, matplotlib.pyplot (baseline)",
        "notebooks/a.ipynb: first cell's imports",
        "notebooks/a.ipynb: first cell's imports / baseline",
        "notebooks/b.ipynb: first cell's imports",
        "notebooks/b.ipynb: first cell's imports / baseline",
    ]
    assert [r.value for r in results] == [400.0, 600.0, 1.5, 850.0, 2.125]
    assert [r.status for r in results] == ["recorded", "recorded", "pass", "recorded", "FAIL"]
    assert results[1].note == "import pandas" and results[3].note == ""
    assert results[2].budget == benchmarks.IMPORT_RATIO


def test_import_time_times_the_statements_in_a_fresh_interpreter(tmp_path):
    assert 0 < benchmarks._import_time("import json", tmp_path) < 5
    with pytest.raises(RuntimeError, match="No module named 'no_such_module'"):
        benchmarks._import_time("import no_such_module", tmp_path)


def test_run_command_measures_time_and_peak_memory():
    allocate = "x = bytearray(60_000_000); x[::4096] = b'1' * len(x[::4096])"
    measured = measure.run_command([sys.executable, "-c", allocate])
    assert measured.returncode == 0 and measured.wall_s > 0
    assert measured.peak_bytes > 60 * measure.MB
    failed = measure.run_command([sys.executable, "-c", "import sys; sys.exit('no')"])
    assert failed.returncode == 1 and "no" in failed.stderr
    with pytest.raises(TimeoutError, match="longer than"):
        measure.run_command([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.3)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_high_water_mark_of_a_process():
    assert measure._high_water_mark(__import__("os").getpid()) > 10 * measure.MB
    assert measure._high_water_mark(2**22 + 12345) is None


def test_the_committed_page_is_in_the_book_and_describes_every_benchmark():
    page = (ROOT / "book" / "benchmarks.md").read_text()
    assert page.startswith("# Benchmarks and budgets")
    for name in benchmarks.BENCHMARKS:
        assert f"`{name}`\n: " in page, "book/benchmarks.md is out of date: run `make bench`"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    reference = next(part for part in toc["parts"] if part["caption"] == "Reference")
    assert {"file": "book/benchmarks"} in reference["chapters"]


def test_docstring_examples_of_the_bench():
    import doctest

    for module in (core, run, reading):
        outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert outcome.failed == 0, module.__name__


def test_reading_model_counts_what_a_learner_reads_runs_and_answers(tmp_path):
    figure = {"mystnb": {"image": {"alt": "A bar chart."}}}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nA {term}`diplotype` {cite:p}`cpic_data`."),
        nbformat.v4.new_markdown_cell("```{admonition} Note\n:class: tip\nRead it.\n```"),
        nbformat.v4.new_code_cell("x = 1\n\nx + 1  # two lines"),
        nbformat.v4.new_code_cell("plot()", metadata=figure),
        nbformat.v4.new_markdown_cell("### Your turn 1: count\n\nReplace the dots."),
        nbformat.v4.new_code_cell("answer = ..."),
        nbformat.v4.new_code_cell("explorer()", metadata={"tags": ["skip-execution"]}),
        nbformat.v4.new_code_cell('from pmcourse.quiz import show_quiz\nshow_quiz("99_demo")'),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    counted = reading.reading(path, quiz_length={"99_demo": 7}.__getitem__)
    assert counted == reading.Reading(
        words=12, code_cells=3, code_lines=4, figures=1, your_turns=1, widgets=1, quiz_questions=7
    )
    seconds = (
        60 * 12 / reading.WORDS_PER_MINUTE
        + 3 * reading.CODE_CELL_S
        + 4 * reading.CODE_LINE_S
        + reading.FIGURE_S
        + reading.YOUR_TURN_S
        + reading.WIDGET_S
        + 7 * reading.QUIZ_QUESTION_S
    )
    assert counted.minutes == round(seconds / 60, 1)
    assert "12 words, 3 code cells (4 lines)" in counted.describe()


def test_estimated_time_must_lie_within_twenty_percent_of_the_reading_time():
    def status(estimate: float, minutes: float) -> str:
        return benchmarks.reading_results("nb", estimate, minutes, "")[-1].status

    assert status(60, 50) == "pass" and status(40, 50) == "pass"  # 20% over or under
    assert status(61, 50) == "FAIL" and status(39, 50) == "FAIL"
    results = benchmarks.reading_results("nb", 45, 50.0, "900 words")
    assert [r.value for r in results] == [50.0, 45, pytest.approx(10.0)]
    assert [r.unit for r in results] == ["min", "min", "%"] and results[0].note == "900 words"
    assert core.format_value(50.0, "min") == "50 min" and core.format_value(9.6, "%") == "10%"


def test_every_module_notebook_can_be_read_by_the_reading_model():
    from pmcourse.modules import modules

    for module in modules(ROOT):
        counted = reading.reading(module.notebook)
        assert counted.words > 200 and counted.code_cells and counted.quiz_questions, module.name
