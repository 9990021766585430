"""The application layer: every user operation, once, for both doors (``cli/`` and ``ui/``).

Qt-free and plain asyncio. The doors parse or click, call this layer, and render its results; only this
layer reaches the stores (workspace file, settings, templates, history), the keyring and the API clients.
Importing the package is cheap: heavy modules (httpx, keyring, filelock, the sandbox) load on first use.
"""
