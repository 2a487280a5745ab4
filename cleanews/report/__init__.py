"""Pages for people: a run's review report and a bench report, each one self-contained HTML file.

>>> from cleanews.report import run_report, bench_report, write_page
"""

from cleanews.config import RunReportConfig
from cleanews.report.bench import bench_report
from cleanews.report.page import write_page
from cleanews.report.run import run_report

__all__ = ["RunReportConfig", "bench_report", "run_report", "write_page"]
