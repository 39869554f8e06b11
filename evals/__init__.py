"""Evaluation harness: hand-labeled gold (evals/gold/) and the scorer (evals.scoring)."""
