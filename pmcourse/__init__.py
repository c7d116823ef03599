"""pmcourse: the helper library of the course *Introduction to personalised medicine*.

One module per subject (``cohort``, ``genetics``, ...), plus the feedback engine
(``check``), plots, widgets and quizzes. Importing the package is light and
changes no global setting of numpy or matplotlib. All data are synthetic, not
for clinical use.
"""

__version__ = "0.1.0"
