"""Rendering the site's pages with Pelican: the only package that imports Pelican, through its public seams
(plugin `register()`, signals, `get_writer`, settings); the few private attributes it still needs are named in
pelican_private.py, each with its reason."""
