"""nbgrader settings of every server on the hub and of the Formgrader (JUPYTER_CONFIG_PATH).

jupyterhub_config.py passes the values in the environment: the exchange folder
that instructors release to and learners fetch from and submit to, the course
id, and for learners their hub name as nbgrader's student id (a submission is
named after it, whatever Unix account the server runs as).
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("PMCOURSE_COURSE_ID", "personalised-medicine")
c.Exchange.root = os.environ.get("PMCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
if os.environ.get("PMCOURSE_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["PMCOURSE_STUDENT_ID"]
