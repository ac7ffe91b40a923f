"""The demo shop: deterministic raw files that follow the data contract (docs/data-contract.md).

A tool, not part of the pipeline: `pulse-demo-data` / `python -m demo_shop` write it by hand, and the
pipeline imports it only in demo mode (PULSE_DEMO), when it prepares the demo folder. `demo_shop.shapes`
writes small shops of other shapes (`python -m demo_shop.shapes --list`) for tests and benchmarks.
"""
