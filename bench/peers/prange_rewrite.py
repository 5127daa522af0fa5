"""The numba(prange) peer: a kernel's own source with `range` turned into `prange` on chosen loops.

The loops come from prange_table (written by hand). The rewrite edits the source text at the
exact position of each chosen loop's `range` name, found through the syntax tree, so everything
else (comments, spacing, the other loops) stays as the corpus wrote it; the result is compiled in
a copy of the kernel module's globals, so it sees the same names (np, helpers) as the original.
"""
import ast
import inspect
import json
import textwrap


def for_loops(tree):
    """{"VAR#K": For node} for the K-th `for VAR in ...` of tree, in source order."""
    loops = sorted((n for n in ast.walk(tree) if isinstance(n, ast.For)),
                   key=lambda n: (n.lineno, n.col_offset))
    seen, out = {}, {}
    for node in loops:
        var = node.target.id if isinstance(node.target, ast.Name) else "?"
        seen[var] = seen.get(var, 0) + 1
        out[f"{var}#{seen[var]}"] = node
    return out


def _contains(outer, inner):
    return any(n is inner for n in ast.walk(outer)) and outer is not inner


def with_prange(fn, loop_ids):
    """The source of fn with prange on the loops loop_ids; raises ValueError on a bad table entry."""
    src = textwrap.dedent(inspect.getsource(fn))
    loops = for_loops(ast.parse(src))
    missing = [i for i in loop_ids if i not in loops]
    if missing:
        raise ValueError(f"{fn.__name__} has no loop {', '.join(missing)} (it has {', '.join(loops)})")
    chosen = [loops[i] for i in loop_ids]
    for a in chosen:  # Numba runs a prange nested in a prange sequentially: the table would mislead
        for b in chosen:
            if _contains(a, b):
                raise ValueError(f"{fn.__name__}: chosen loops are nested")
    lines = src.splitlines(keepends=True)
    # right to left on each line, so earlier column offsets stay valid
    for node in sorted(chosen, key=lambda n: (n.iter.lineno, n.iter.col_offset), reverse=True):
        call = node.iter
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
            raise ValueError(f"{fn.__name__}: the loop at line {node.lineno} is not over range(...)")
        ln, col = call.func.lineno - 1, call.func.col_offset
        assert lines[ln][col:col + 5] == "range"
        lines[ln] = lines[ln][:col] + "prange" + lines[ln][col + 5:]
    return "".join(lines)


def compile_prange(fn, loop_ids, prange):
    """A plain Python function: fn with prange on loop_ids, in a copy of fn's globals."""
    src = with_prange(fn, loop_ids)
    ns = dict(fn.__globals__)
    ns["prange"] = prange
    exec(compile(src, f"<{fn.__name__} with prange>", "exec"), ns)
    return ns[fn.__name__], src


# ------------------------------------------------------------------- cross-check with pyparc

def table_lines(fn, loop_ids):
    """{loop id: line number in fn's file} for the loops of the table."""
    src = textwrap.dedent(inspect.getsource(fn))
    first = inspect.getsourcelines(fn)[1]
    loops = for_loops(ast.parse(src))
    return {i: loops[i].lineno + first - 1 for i in loop_ids if i in loops}


def all_lines(fn):
    """{line number: loop id} for every for loop of fn."""
    src = textwrap.dedent(inspect.getsource(fn))
    first = inspect.getsourcelines(fn)[1]
    return {node.lineno + first - 1: i for i, node in for_loops(ast.parse(src)).items()}


def pyparc_outer_parallel(explain_json, kname):
    """From `pyparc explain --json`: (lines of the outermost loops pyparc calls parallel,
    {line: verdict} of every loop it analyzed) for the function kname."""
    data = json.loads(explain_json)
    funcs = data if isinstance(data, list) else [data]
    outer, verdicts = set(), {}
    for f in funcs:
        if f.get("function") != kname:
            continue
        for scop in f.get("scops") or []:
            stack = []  # verdicts of the enclosing loops, by depth
            for loop in scop.get("loops") or []:
                d = loop["depth"]
                del stack[d:]
                line = int(loop["position"].split(":")[-2])
                verdicts[line] = loop["verdict"]
                if loop["verdict"] == "parallel" and "parallel" not in stack:
                    outer.add(line)
                stack.append(loop["verdict"])
    return outer, verdicts


def cross_check(fn, loop_ids, explain_json, kname):
    """Where the hand table and pyparc's outermost parallel loops differ, as text lines."""
    mine = table_lines(fn, loop_ids)
    ids = all_lines(fn)
    theirs, verdicts = pyparc_outer_parallel(explain_json, kname)
    notes = []
    for i, line in mine.items():
        if line not in theirs:
            v = verdicts.get(line, "not analyzed (outside every SCoP)")
            notes.append(f"table has {i} (line {line}); pyparc says {v}")
    for line in sorted(theirs - set(mine.values())):
        notes.append(f"pyparc has {ids.get(line, '?')} (line {line}) as outermost parallel; table does not")
    return notes
