"""Serving the graph: the service, the HTTP app, the Studio graph, and who calls them
(``auth``, ``identity``)."""
