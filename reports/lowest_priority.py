"""Imported first by the layout processes' forkserver (reports.batch): the
process importing it runs at the lowest CPU priority from then on, and so
does everything it forks. Without it the forkserver imported WeasyPrint and
the report module at normal priority, a second of CPU per web process taken
from the questionnaire pages just when the first PDFs were asked for
(docs/decisions/0003-layout-process-starts-with-each-gunicorn-worker.md).
Imported before any thread starts, so the one thread's priority is the process's."""

from reports.cpu_priority import lowest_priority_for_this_thread

lowest_priority_for_this_thread()
