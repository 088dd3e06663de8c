"""Directory reads. Import from this package (`from linkwell.directory.selectors import
search_services`), which re-exports the public names:

- `search`: the one search every surface uses (`ServiceFilters`, `search_services`,
  `filter_services`; its filter semantics are the contract other apps rely on), the staff
  service page (`service_detail_for_user`) and a result page's map markers (`located_services`).
- `listings`: a provider's own listings with their freshness and QA flags ("Your listings").
"""

from linkwell.directory.selectors.listings import (
    ListingRow,
    listing_rows_for_provider_staff,
    services_for_provider_staff,
)
from linkwell.directory.selectors.search import (
    DAYS,
    SearchPage,
    ServiceFilters,
    filter_services,
    located_services,
    search_services,
    service_detail_for_user,
)

__all__ = [
    "DAYS",
    "ListingRow",
    "SearchPage",
    "ServiceFilters",
    "filter_services",
    "listing_rows_for_provider_staff",
    "located_services",
    "search_services",
    "service_detail_for_user",
    "services_for_provider_staff",
]
