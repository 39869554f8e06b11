"""Helpers shared by the tests (builders, scripted settings, service processes); no tests of their own."""
