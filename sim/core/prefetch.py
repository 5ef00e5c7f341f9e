"""A software prefetch for the kernels: ask the CPU to start loading an array row early.

Loops that visit a few scattered rows of a large array (cases, waiting lists, residents in
specialist care) wait on memory at each one; fetching the row a few turns ahead lets
those waits overlap. Numba has no prefetch of its own, so this emits LLVM's.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, arr, row):
    """Hint that arr[row] (or the row arr[row, :] of a 2-D array) will be read soon; no effect on results."""
    if not isinstance(arr, types.Array) or not isinstance(row, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        aryty = sig.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        i64 = ir.IntType(64)
        index = builder.sext(args[1], i64) if args[1].type.width < 64 else args[1]
        ptr = cgutils.get_item_pointer2(context, builder, data=ary.data, shape=cgutils.unpack_tuple(builder, ary.shape),
                                        strides=cgutils.unpack_tuple(builder, ary.strides), layout=aryty.layout,
                                        inds=[index] + [ir.Constant(i64, 0)] * (aryty.ndim - 1), wraparound=False,
                                        boundscheck=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = builder.module.declare_intrinsic("llvm.prefetch", [i8p],
                                              fnty=ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]))
        read, keep, data = ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)
        builder.call(fn, [builder.bitcast(ptr, i8p), read, keep, data])
        return context.get_dummy_value()

    return types.void(arr, row), codegen
