"""nbgrader configuration of the course's graded exercises.

Run nbgrader commands in this folder (``cd exercises``); see the instructor
guide for the full round: generate, release, collect, autograde, feedback,
export. The course root is the folder of this file, so a copy of the course
folder elsewhere (a hub, a temporary test folder) works unchanged.
"""

import os

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
