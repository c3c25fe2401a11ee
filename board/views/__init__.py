"""Board views, split by area: the boards and their entries, questions between meetings, and
the weekly meeting."""
