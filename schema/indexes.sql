-- Indexes on the fact tables, created after a bulk load (building them once
-- over sorted data is much cheaper than maintaining them row by row).
-- Chosen for the joins rules make: by enclosing function, by resolved name,
-- by loop, by statement.

CREATE INDEX IF NOT EXISTS functions_qualname ON functions(qualname);
CREATE INDEX IF NOT EXISTS functions_class ON functions(class_id, name);
CREATE INDEX IF NOT EXISTS classes_qualname ON classes(qualname);
CREATE INDEX IF NOT EXISTS calls_function ON calls(function_id);
CREATE INDEX IF NOT EXISTS calls_resolved ON calls(resolved);
CREATE INDEX IF NOT EXISTS calls_name ON calls(name);
CREATE INDEX IF NOT EXISTS calls_loop ON calls(loop_id) WHERE loop_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_parent ON calls(parent_call_id) WHERE parent_call_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS call_args_call ON call_args(call_id);
CREATE INDEX IF NOT EXISTS awaits_function ON awaits(function_id);
CREATE INDEX IF NOT EXISTS names_function ON names(function_id, name);
CREATE INDEX IF NOT EXISTS assignments_function ON assignments(function_id);
CREATE INDEX IF NOT EXISTS assignments_target ON assignments(target);
CREATE INDEX IF NOT EXISTS statements_block ON statements(block_id, idx);
CREATE INDEX IF NOT EXISTS withs_stmt ON withs(stmt_id);
CREATE INDEX IF NOT EXISTS handlers_function ON handlers(function_id);
CREATE INDEX IF NOT EXISTS returns_function ON returns(function_id);
CREATE INDEX IF NOT EXISTS decorators_function ON decorators(function_id);
CREATE INDEX IF NOT EXISTS comments_line ON comments(file_id, line) WHERE noqa IS NOT NULL;
CREATE INDEX IF NOT EXISTS params_function ON params(function_id);
CREATE INDEX IF NOT EXISTS bases_class ON bases(class_id);
CREATE INDEX IF NOT EXISTS call_graph_caller ON call_graph(caller, callee);
CREATE INDEX IF NOT EXISTS call_graph_callee ON call_graph(callee);
CREATE INDEX IF NOT EXISTS alias_map_name ON alias_map(name);
CREATE INDEX IF NOT EXISTS alias_map_target ON alias_map(target);
CREATE INDEX IF NOT EXISTS class_ancestry_class ON class_ancestry(class_id, depth);
