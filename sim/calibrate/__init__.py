"""Calibration to published Dutch figures, and validation against them."""
