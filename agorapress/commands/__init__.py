"""The subcommands of `agora`, one module each; cli.py lists them."""
