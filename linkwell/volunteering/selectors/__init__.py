"""Reads for volunteering, one module per subject; import from the package."""

from linkwell.volunteering.selectors.reports import (
    PublishedReport,
    PublishedTable,
    RawFigures,
    get_organisation_for_report,
    publish_report,
    report_csv_rows,
    report_organisations_for_user,
    volunteering_figures,
    volunteering_organisations,
    volunteering_report,
)

__all__ = [
    "PublishedReport",
    "PublishedTable",
    "RawFigures",
    "get_organisation_for_report",
    "publish_report",
    "report_csv_rows",
    "report_organisations_for_user",
    "volunteering_figures",
    "volunteering_organisations",
    "volunteering_report",
]
