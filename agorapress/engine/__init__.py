"""The Pelican glue: settings, the template view, and the build run. The only layer that imports Pelican."""
