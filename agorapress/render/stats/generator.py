"""Writes stats/index.html from the numbers of agorapress/stats.py, with its charts drawn by outputs/svgchart.py."""

from __future__ import annotations

from pelican.generators import Generator

from ...outputs.svgchart import render_bars, render_columns
from ...stats import community_stats
from ..context import context_of
from ..writer import writes

SAVE_AS = "stats/index.html"


class StatsGenerator(Generator):
    """One page: the numbers are computed only in the rendering process that writes it."""

    def generate_output(self, writer) -> None:
        if not writes(writer, SAVE_AS):
            return
        view = context_of(self.settings).view
        # People is computed once per build by the template view; the stats reuse its credit rules.
        stats = community_stats(view.graph, view.people, view.locale)
        writer.write_file(SAVE_AS, self.get_template("stats"), self.context, relative_urls=self.settings["RELATIVE_URLS"],
                          stats=stats, column_chart=render_columns, bar_chart=render_bars, page_name="stats/")
