; facts.scm — the constructs srcscan extracts from one C/C++ file.
;
; One pattern per construct; the engine (srcscan/extract/facts.py) walks the captured nodes in
; document order, keeping a stack of enclosing functions, conditions and #if blocks, so
; every fact knows its function, its guards and its preprocessor conditions.
; Capture names (each handled by name in srcscan/extract/facts.py): @function @struct @typedef
; @define @declaration @assign @update @return @call @guard.<if|while|for|do|switch|case|ternary>
; @pp (#if blocks) @error @missing (parse errors). Model rows (sources, sinks...) are not here:
; they are queries/models/*.toml, described in docs/models.md.

; --- definitions -------------------------------------------------------------
(function_definition) @function
(struct_specifier body: (field_declaration_list)) @struct
(union_specifier body: (field_declaration_list)) @struct
(class_specifier body: (field_declaration_list)) @struct
(type_definition) @typedef
(preproc_def) @define
(preproc_function_def) @define

; --- statements and expressions -------------------------------------------
(declaration) @declaration
(assignment_expression) @assign
(update_expression) @update
(return_statement) @return
(call_expression) @call

; --- control context (guards) ---------------------------------------------
(if_statement) @guard.if
(while_statement) @guard.while
(for_statement) @guard.for
(do_statement) @guard.do
(switch_statement) @guard.switch
(case_statement) @guard.case
(conditional_expression) @guard.ternary

; --- preprocessor context ---------------------------------------------------
(preproc_if) @pp
(preproc_ifdef) @pp
(preproc_elif) @pp
(preproc_elifdef) @pp
(preproc_else) @pp

; --- parse health -------------------------------------------------------------
(ERROR) @error
(MISSING) @missing
