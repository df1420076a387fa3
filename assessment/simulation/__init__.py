"""Synthetic respondents for choosing the validity thresholds and for telling what
a score can and cannot say. Every respondent is drawn from a stated model
(questions/README.md, "The respondent models") and scored by the real engine,
`score_answers`, so the figures describe the code that scores real people.

- `models`: the assumptions (several structurally different models, one held out);
- `population`: items and people under a model, their answers;
- `respondents`: honest, careless and polished respondent types;
- `run`: scoring through the engine and one run's figures;
- `calibration`: rates at candidate thresholds, impression-management rules and their ceiling;
- `seeds`: the same run over several seeds, means per model.
Printing them is the command's job (`flask simulate`)."""

from .calibration import CANDIDATES, calibrate, im_rules, impression_management_roc
from .models import CALIBRATION_MODELS, HELD_OUT_MODEL, HELD_OUT_MODELS, MODELS, Model
from .population import Population, factor_correlations
from .respondents import FAKING_SHIFTS, RESPONDENT_TYPES, USES_NOT_APPLICABLE, Sample
from .run import ITEM_DRAWS, Report, score_sample, simulate
from .seeds import over_seeds

__all__ = [
    "CALIBRATION_MODELS", "CANDIDATES", "FAKING_SHIFTS", "HELD_OUT_MODEL", "HELD_OUT_MODELS", "ITEM_DRAWS", "MODELS", "Model",
    "Population", "RESPONDENT_TYPES", "Report", "Sample", "USES_NOT_APPLICABLE", "calibrate",
    "factor_correlations", "im_rules", "impression_management_roc", "over_seeds", "score_sample", "simulate",
]
