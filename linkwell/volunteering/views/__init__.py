"""Pages for volunteering, one module per subject."""

from linkwell.volunteering.views.reports import report_csv, report_page

__all__ = ["report_csv", "report_page"]
