"""The course's grader: hidden tests with points, run on each submission in a sandbox (README, Grading).

Instructors only: this package is not part of ``course_utils`` and is never installed in a student's environment.

    python -m grading 02 submitted/ --out grades/02
"""
