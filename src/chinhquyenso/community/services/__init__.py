"""Every write of the community app, one function per use case (see the submodules):

- teams: villages (create, import), teams (create, dissolve), members, activity log;
- plans: yearly plans, tasks (numbered from a locked counter), append-only progress reports;
- quizzes: question bank, contests, phone codes, entries, answers, scoring.
"""

from . import plans, quizzes, teams

__all__ = ["plans", "quizzes", "teams"]
