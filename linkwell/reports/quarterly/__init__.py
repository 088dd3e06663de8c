"""The quarterly commissioner report: sections of published tables (see structure.py)."""

from linkwell.analysis.periods import (
    previous_quarter,
    quarter_bounds,
    quarter_containing,
    quarter_label,
)
from linkwell.reports.quarterly.build import SECTIONS, build_report, section_of_table
from linkwell.reports.quarterly.structure import Chart, Column, Report, Section, Story, Table, fmt

__all__ = [
    "SECTIONS",
    "Chart",
    "Column",
    "Report",
    "Section",
    "Story",
    "Table",
    "build_report",
    "fmt",
    "previous_quarter",
    "quarter_bounds",
    "quarter_containing",
    "quarter_label",
    "section_of_table",
]
