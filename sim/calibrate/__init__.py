"""Calibration to published Dutch figures, validation against them, and scenarios from CBS neighbourhood tables."""
