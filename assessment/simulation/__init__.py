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
Printing them is the command's job (`flask simulate`).

Import from the module you need: this package imports nothing, so that a process that
only names the models (every `flask` command registers `simulate`) loads no simulation
and no scipy (through `run` -> assessment/psychometrics.py)."""
