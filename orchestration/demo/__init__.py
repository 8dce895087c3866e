"""Demo data generator: realistic, coherent help-desk exports for every landing entity.

Run `python -m orchestration.demo --help`, or call `generate()` from Python.
"""

from orchestration.demo.generator import generate

__all__ = ["generate"]
