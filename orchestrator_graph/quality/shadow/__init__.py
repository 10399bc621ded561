"""The shadow judge: labels from the user's own traffic (``ShadowConfig``).

For a sampled share of turns (``quality.sampling``: where the router is least sure),
after the turn has answered and off its critical path, the other model answers the
same view (``job``) and a judge says, in both orders, whether the cheap answer is as
good as the strong one (``judge``). The verdict is feedback on the turn (source
``shadow``, as ``record_outcome``: the adaptive router learns it) and a label in the
ledger (``labels``) that ``orchestrator-graph quality train --ledger`` fits on
(``runner``).
"""

from orchestrator_graph.quality.shadow.job import Sampler, ShadowJob
from orchestrator_graph.quality.shadow.judge import PairwiseVerdict, Verdict
from orchestrator_graph.quality.shadow.runner import ShadowRunner

__all__ = ["PairwiseVerdict", "Sampler", "ShadowJob", "ShadowRunner", "Verdict"]
