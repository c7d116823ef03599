"""Instant checks for each module's "your turn" exercises.

One module per course module (``foundations`` for module 1, ...). Each check
takes the learner's answer and returns a :class:`pmcourse.check.CheckResult`,
built with the engine in :mod:`pmcourse.check`.
"""
