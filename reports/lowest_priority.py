"""Imported first by the layout processes' forkserver (reports.batch): the
process importing it runs at the lowest CPU priority from then on, and so
does everything it forks. Without it the forkserver imported WeasyPrint and
the report module at normal priority, a second of CPU per web process taken
from the questionnaire pages just when the first PDFs were asked for
(bench/RESULTS.md). Pages before PDFs: a layout gets a core only when nothing
at normal priority wants it (nice 19 rather than SCHED_IDLE, so that PDFs
still progress on a busy machine)."""

import os

os.nice(19 - os.nice(0))
