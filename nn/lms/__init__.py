"""Into the course's own systems: a class graded by :mod:`nn.explain.class_grade`, handed to
Canvas, Moodle and nbgrader gradebooks (:mod:`.gradebook`), graded inside Gradescope
(:mod:`.gradescope`) and PrairieLearn (:mod:`.prairielearn`); the roster's LMS identities
and the names LMS downloads give files (:mod:`.people`).

Identity and policy always come from the teacher's side (the roster, the keys and
manifest, the platform's metadata), never from a student's file.
"""
