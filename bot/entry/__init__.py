"""The composition root, and the only code that imports adapters and the scheduler: `bootstrap` wires settings
into parts, `web` is the FastAPI app, `cli` is the `mems` command line. Nothing imports this package."""
