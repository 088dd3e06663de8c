"""Evidence selectors: reads that take the acting user and a `ReportFilter` and return raw
figures. Callers publish them through `linkwell.analysis.disclosure` (README.md).

Stable API for the quarterly report (linkwell/reports): import from here.
"""

from linkwell.evidence.selectors.equity import DIMENSIONS as EQUITY_DIMENSIONS
from linkwell.evidence.selectors.equity import (
    EquityResult,
    EquityRow,
    equity_reach,
    equity_reach_all,
)
from linkwell.evidence.selectors.outcomes import (
    COHORT_DIMENSIONS,
    OutcomeRow,
    outcome_cohorts,
    outcome_totals,
)
from linkwell.evidence.selectors.providers import (
    FUNNEL_METRICS,
    ProviderRow,
    provider_funnel,
    provider_performance,
)
from linkwell.evidence.selectors.service_use import (
    ServiceUseResult,
    ServiceUseRow,
    activity_coverage,
    service_use_comparison,
)

__all__ = [
    "COHORT_DIMENSIONS",
    "EQUITY_DIMENSIONS",
    "FUNNEL_METRICS",
    "EquityResult",
    "EquityRow",
    "OutcomeRow",
    "ProviderRow",
    "ServiceUseResult",
    "ServiceUseRow",
    "activity_coverage",
    "equity_reach",
    "equity_reach_all",
    "outcome_cohorts",
    "outcome_totals",
    "provider_funnel",
    "provider_performance",
    "service_use_comparison",
]
