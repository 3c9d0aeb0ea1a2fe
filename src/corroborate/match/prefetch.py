"""A CPU prefetch hint for numba-compiled loops (LLVM's `llvm.prefetch`): the substring
tables' probes are random reads across hundreds of megabytes, latency-bound unless many are in
flight at once, and numba has no prefetch of its own. Imported only with numba (never by the
CLI's light imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from llvmlite import binding, ir
from numba import types
from numba.core import cgutils as _cgutils
from numba.extending import intrinsic

cgutils: Any = _cgutils  # numba's code-generation helpers carry no annotations

# the intrinsic's name carries its pointer type: LLVM 17 on has only opaque pointers ("p0");
# earlier ones, as llvmlite uses them, an i8 pointer ("p0i8"). Measured on LLVM 20 only.
_NAME = "llvm.prefetch.p0" if binding.llvm_version_info >= (17,) else "llvm.prefetch.p0i8"


def _prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    sig = types.void(array, index)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        ptr = cgutils.get_item_pointer(
            context, builder, signature.args[0], ary, [args[1]], wraparound=False
        )
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, _NAME)
        # a read, to be kept in every cache level, of data
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


# `prefetch(array, i)` inside a jitted function: a hint only, it never faults or changes
# results (an index past the end is still not to be passed: it addresses outside the array)
prefetch = cast(Callable[[np.ndarray, Any], None], intrinsic(_prefetch))
