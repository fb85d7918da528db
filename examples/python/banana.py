"""banana.py: sample a 2-D banana-shaped density with libgma from Python.

    /usr/bin/python3 examples/python/banana.py build/libgma.so
    GMA_LIBRARY=build/libgma.so /usr/bin/python3 examples/python/banana.py

Only ctypes and numpy: the target is a ctypes callback that reads the
batch of points in place (numpy views on libgma's memory, no copy).

The target (a "twisted" Gaussian): x1 ~ N(0, s^2) and, given x1,
x2 ~ N(b (x1^2 - s^2), 1), with s = 2 and b = 0.25. Its mean is (0, 0),
its sds are s = 2 and sqrt(1 + 2 b^2 s^4) = sqrt(3).
"""
import ctypes
import os
import sys

import numpy as np

S, B = 2.0, 0.25
TRUE_MEAN = np.array([0.0, 0.0])
TRUE_SD = np.array([S, np.sqrt(1.0 + 2.0 * B**2 * S**4)])

# The C types of gma.h that this script uses.
BATCH_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int,
                            ctypes.POINTER(ctypes.c_double),
                            ctypes.POINTER(ctypes.c_double), ctypes.c_void_p)
DOUBLES = ctypes.POINTER(ctypes.c_double)


def load_library():
    """Load libgma from argv[1] or $GMA_LIBRARY; declare its signatures."""
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GMA_LIBRARY")
    if not path:
        sys.exit("usage: banana.py PATH/TO/libgma.so (or set GMA_LIBRARY)")
    lib = ctypes.CDLL(path)
    handle = ctypes.c_void_p
    signatures = {
        "gma_create": [ctypes.c_int, ctypes.POINTER(handle)],
        "gma_destroy": [handle],
        "gma_last_error": [handle],
        "gma_set_target": [handle, BATCH_FN, ctypes.c_void_p],
        "gma_set_box": [handle, DOUBLES, DOUBLES],
        "gma_set_param": [handle, ctypes.c_char_p, ctypes.c_double],
        "gma_set_seed": [handle, ctypes.c_ulonglong],
        "gma_run": [handle],
        "gma_get_draws": [handle, DOUBLES, ctypes.c_long],
        "gma_get_diagnostic": [handle, ctypes.c_char_p,
                               ctypes.POINTER(ctypes.c_double)],
    }
    for name, argtypes in signatures.items():
        getattr(lib, name).argtypes = argtypes
        getattr(lib, name).restype = ctypes.c_int
    lib.gma_destroy.restype = None
    lib.gma_last_error.restype = ctypes.c_char_p
    return lib


def log_banana(x):
    """The unnormalised log density at the rows of x (n x 2)."""
    x1, x2 = x[:, 0], x[:, 1]
    return -0.5 * (x1 / S) ** 2 - 0.5 * (x2 - B * (x1**2 - S**2)) ** 2


@BATCH_FN
def banana_target(n, dim, x, out, user_data):
    """libgma's batched callback: views on its buffers, 0 on success."""
    try:
        points = np.ctypeslib.as_array(x, shape=(n, dim))
        values = np.ctypeslib.as_array(out, shape=(n,))
        values[:] = log_banana(points)
        return 0
    except Exception as error:  # an exception must not cross into C
        print("banana_target:", error, file=sys.stderr)
        return 1


def check(lib, s, status):
    """Raise with libgma's message when a call failed."""
    if status < 0:
        raise RuntimeError(lib.gma_last_error(s).decode())


def sample(lib):
    """Run libgma on the banana and return its draws (n x 2)."""
    s = ctypes.c_void_p()
    if lib.gma_create(2, ctypes.byref(s)) != 0:
        raise RuntimeError("gma_create failed")
    try:
        # The target, a box around the banana, more draws than the default.
        lower = (ctypes.c_double * 2)(-8.0, -4.0)
        upper = (ctypes.c_double * 2)(8.0, 12.0)
        check(lib, s, lib.gma_set_target(s, banana_target, None))
        check(lib, s, lib.gma_set_box(s, lower, upper))
        check(lib, s, lib.gma_set_param(s, b"draws", 8000))
        check(lib, s, lib.gma_set_seed(s, 7))
        check(lib, s, lib.gma_run(s))

        # The draws, written by libgma straight into a numpy array.
        n = ctypes.c_double()
        check(lib, s, lib.gma_get_diagnostic(s, b"draws", ctypes.byref(n)))
        draws = np.empty((int(n.value), 2))
        check(lib, s, lib.gma_get_draws(s, draws.ctypes.data_as(DOUBLES),
                                        draws.shape[0]))
        return draws
    finally:
        lib.gma_destroy(s)


def main():
    """Sample, print the fit against the truth, exit 1 if it is off."""
    draws = sample(load_library())
    mean, sd = draws.mean(axis=0), draws.std(axis=0, ddof=1)
    print("banana: %d draws" % draws.shape[0])
    print("coordinate  true mean  draws' mean  true sd  draws' sd")
    for k in range(2):
        print("%6d %12.3f %12.3f %9.3f %10.3f"
              % (k + 1, TRUE_MEAN[k], mean[k], TRUE_SD[k], sd[k]))

    # Means within a fifth of an sd, sds within 15 per cent.
    ok = (np.all(np.abs(mean - TRUE_MEAN) < 0.2 * TRUE_SD)
          and np.all(np.abs(sd / TRUE_SD - 1.0) < 0.15))
    if not ok:
        print("banana: the draws do not match the truth", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
