"""guanxi.analytics: customer-value analytics (no Django imports below this package).

Data half: `summarize` (per-customer purchase summaries on DuckDB or Spark), the segments
(`abc_classify`, `value_pyramid`, `rfm_values`, `rfm_score`) and the tier rules in
`guanxi.analytics.tiers`. Model half: the lifetime-value models in `guanxi.analytics.models`.
"""

from typing import TYPE_CHECKING, Any

from guanxi.analytics.errors import AnalyticsError, ConvergenceError, InputError, NotFittedError
from guanxi.analytics.segments import (
    ABCResult,
    PyramidResult,
    abc_classify,
    quantile_scores,
    rfm_from_summary,
    rfm_score,
    rfm_values,
    value_pyramid,
)
from guanxi.analytics.summary import SummaryInfo, summarize
from guanxi.analytics.tiers import (
    churn_risk,
    frequency_tier,
    interpurchase_days,
    lifecycle_stage,
    value_tier,
)

if TYPE_CHECKING:
    from guanxi.analytics.models import (
        BetaGeo,
        BetaGeoBetaBinom,
        GammaGamma,
        ModifiedBetaGeo,
        ParetoNBD,
    )

# The models need scipy, whose import takes about half a second: they load on first use, so
# a summary or a segmentation does not wait for it.
_MODELS = {"BetaGeo", "BetaGeoBetaBinom", "GammaGamma", "ModifiedBetaGeo", "ParetoNBD"}


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from guanxi.analytics import models

        return getattr(models, name)
    raise AttributeError(f"module 'guanxi.analytics' has no attribute {name!r}")


__all__ = [
    "ABCResult",
    "AnalyticsError",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "ConvergenceError",
    "GammaGamma",
    "InputError",
    "ModifiedBetaGeo",
    "NotFittedError",
    "ParetoNBD",
    "PyramidResult",
    "SummaryInfo",
    "abc_classify",
    "churn_risk",
    "frequency_tier",
    "interpurchase_days",
    "lifecycle_stage",
    "quantile_scores",
    "rfm_from_summary",
    "rfm_score",
    "rfm_values",
    "summarize",
    "value_pyramid",
    "value_tier",
]
