"""Extraction: tree-sitter facts per file (functions, assignments, calls, fields, guards),
declaration macros, preprocessor conditions, the fact records, the fact cache and the index."""
