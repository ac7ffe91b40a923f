"""The demo shop: deterministic raw files that follow the data contract (docs/data-contract.md).

A source, not part of the pipeline: the pipeline never imports it. `python -m demo_shop.prepare` writes it
into the raw folder before a run when the settings ask for the demo (`python3 tasks.py run` and `ui` call
it), `pulse-demo-data` / `python -m demo_shop` write it by hand. `demo_shop.shapes` writes small shops of
other shapes (`python -m demo_shop.shapes --list`) for tests and benchmarks.
"""
