"""Real sample material for the demo, tests and benchmarks, rendered from photographs that
scikit-image ships (no downloads, no solid colours or noise)."""

from corroborate.samples.footage import PHOTOS, FlightPath, render_flight, render_still, terrain

__all__ = ["PHOTOS", "FlightPath", "render_flight", "render_still", "terrain"]
