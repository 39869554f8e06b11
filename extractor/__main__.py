"""``python -m extractor`` runs the CLI."""

from extractor.cli import main

# Guarded: the service's extraction processes (multiprocessing "spawn") import
# the main module again, and must not run the CLI when they do.
if __name__ == "__main__":
    main()
