"""The published site: an mkdocs plugin that renders every handoff, its approval and the indexes.

``plugin`` is the thin mkdocs adapter; everything it does is in the modules beside it
(``collect`` reads the repository, ``pages`` and ``indexes`` write Markdown,
``approvals`` reads git history, ``sanitize`` makes the rendered HTML safe).
"""
