"""The council evaluation set: people written from link workers' case notes, graded by hand against
the Calderside council directory. See GRADING.md for how the grades are made and combined."""
