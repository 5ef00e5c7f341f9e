"""Tests of wijkteam-sim."""
