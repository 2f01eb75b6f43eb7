"""The flow graph: the program (all facts merged), the API models from queries/models, the
flow graph built from them, its compact/cached forms and the graph built on demand."""
