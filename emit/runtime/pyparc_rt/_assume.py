"""at_least: a fact about a loop index, told to the compiler of a Numba-compiled loop.

Numba turns every subscript whose value may be negative into a select between the index and
the index plus the extent (Python's wrap-around). A loop `for i in range(1, n - 1)` reading
`A[i - 1]` has none: LLVM sees that i starts at 1. The same loop over one tile of a wavefront
starts at a bound computed at run time, LLVM cannot tell that `i - 1` stays non-negative, and
the loop, selecting per element, does not vectorize: jacobi-1d's tiles ran 10x slower than the
original loop. at_least(i, 1) at the top of the tile's loop body tells LLVM what the statement's
domain guarantees (emit prints it only where isl's loop runs over statement instances, whose
iterators never leave their loop's range), and the selects go away.

Built only when compiled code first asks for it: it needs Numba.
"""
from llvmlite import ir
from numba import types
from numba.extending import intrinsic


@intrinsic
def at_least(typingctx, x, lo):
    """Promise to LLVM that x >= lo (llvm.assume). Where the promise were false the loop's
    behaviour would be undefined: only facts proved from the statement's domain are given."""
    if not (isinstance(x, types.Integer) and isinstance(lo, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        a = context.cast(builder, args[0], sig.args[0], types.intp)
        b = context.cast(builder, args[1], sig.args[1], types.intp)
        assume = builder.module.declare_intrinsic(
            "llvm.assume", fnty=ir.FunctionType(ir.VoidType(), [ir.IntType(1)]))
        builder.call(assume, [builder.icmp_signed(">=", a, b)])
        return context.get_dummy_value()

    return types.none(x, lo), codegen
