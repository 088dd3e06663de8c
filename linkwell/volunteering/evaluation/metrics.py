"""nDCG@k over graded judgments (grades 0-3; a volunteer not graded is 0): the same measure as
the matching evaluation (`linkwell.matching.evaluation.metrics`), shared rather than copied."""

from linkwell.matching.evaluation.metrics import dcg, ndcg_at_k

__all__ = ["dcg", "ndcg_at_k"]
