"""Social prescribing courses: runs, enrolment from the plan, group registers, moving-forward plans (README.md)."""
