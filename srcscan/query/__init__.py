"""Questions asked of the flow graph: which graph a query needs (analysis, lazy scope), the
slice and path search, the trace and its JSON form, why-not, and history over revisions."""
