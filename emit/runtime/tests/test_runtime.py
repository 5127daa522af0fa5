"""pyparc_rt helpers the generated code calls: temporaries' dtypes, gathered index lists."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pyparc_rt as rt  # noqa: E402


def test_ints_become_float():
    a = rt.inexact(np.asarray([1, 2, 3]))
    assert a.dtype == np.float64
    a += 0.5  # what a later update of the temporary may do
    assert a.tolist() == [1.5, 2.5, 3.5]


def test_complex_and_float_kept():
    c = rt.inexact(np.asarray(2j * np.arange(3)))
    assert c.dtype == np.complex128 and c[2] == 4j
    f32 = np.ones(2, dtype=np.float32)
    assert rt.inexact(f32) is f32
    assert rt.inexact(np.asarray(1j)).dtype == np.complex128
    assert rt.inexact(np.asarray(True)).dtype == np.float64


def test_int_list():
    assert rt.int_list([0, 3, -1]) and rt.int_list([])
    assert not rt.int_list([1, True]) and not rt.int_list([1.0]) and not rt.int_list((1, 2))
    assert not rt.int_list([np.int64(1)])
