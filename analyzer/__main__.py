"""``python -m analyzer``: the same as the ``analyzer`` command."""

from analyzer.cli import run

run()
