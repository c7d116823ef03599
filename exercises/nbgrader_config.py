"""nbgrader configuration of the course's graded exercises.

Run nbgrader commands in this folder (``cd exercises``); see the instructor
guide for the full round: generate, release, collect, autograde, feedback,
export. The course root is the folder of this file, so a copy of the course
folder elsewhere (a hub, a temporary test folder) works unchanged.
"""

import os

from pmcourse.feedback import FEEDBACK_PREPROCESSORS
from pmcourse.grading_kernel import KERNEL_ARGUMENTS

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The course: its root is this folder; the gradebook is gradebook.db in it (not in git).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "personalised-medicine"

# What learners see where the instructor's solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Running notebooks (validate, autograde): a cell may take up to 2 minutes, the
# kernel up to 2 minutes to start on a busy hub; a timed-out cell is interrupted
# and counted as failed instead of stopping the whole submission.
c.Execute.timeout = 120
c.Execute.startup_timeout = 120
c.Execute.interrupt_on_timeout = True
# The grading kernel shows Python warnings on stdout: nbgrader fails a test cell
# that writes to stderr, and a warning is no mistake (pmcourse.grading_kernel).
c.Execute.extra_arguments = KERNEL_ARGUMENTS

# A test cell a learner deleted is put back from the gradebook and run, so
# deleting a test earns nothing (an edited one is restored by its checksum).
c.OverwriteCells.add_missing_cells = True

# Feedback shows each test's name, points and message, never the hidden tests or
# their seeds (pmcourse.feedback; also for the formgrader's feedback button).
c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS

# pmcourse's own settings (pmcourse grade, feedback, record); nbgrader ignores them.
# Limits of one submission in `pmcourse grade`: its whole run, and the memory of
# its kernel. A submission that reaches one is stopped and listed for review.
c.PmcourseGrading.time_limit_s = 600
c.PmcourseGrading.memory_limit_mb = 2000

# Every autograde (pmcourse grade, nbgrader autograde, the Formgrader's button) runs
# each submission's kernel in a bubblewrap sandbox, without the course folder or the
# network, and judges its tests again outside it (pmcourse.safe_autograde): nbgrader's
# own steps, with the sandboxed Execute first. `pmcourse grade --unsafe` grades work
# you trust without it.
c.Autograde.autograde_preprocessors = [
    "pmcourse.safe_autograde.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SandboxedKernelManager.memory_limit_mb = c.PmcourseGrading.memory_limit_mb
# The share of an assignment's points that passes a module (course record).
c.PmcourseGrading.pass_mark_percent = 50
