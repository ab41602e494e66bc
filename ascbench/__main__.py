"""``python -m ascbench`` runs the command-line interface."""

from ascbench.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised by the subprocess tests
    main()
