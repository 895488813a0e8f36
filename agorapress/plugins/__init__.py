"""Agora's Pelican plugins, one package each; `register()` is wiring only."""
