"""Tests of pyparc_rt's helpers that emitted variants call: python3 -m pytest -q emit/runtime."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyparc_rt as rt  # noqa: E402


@pytest.mark.parametrize("values, want", [
    ((1.5, np.ones((3, 2))), True),
    ((np.arange(4),), True),  # ints are finite
    ((np.float32(2.0), True, 3, 1 + 2j), True),
    ((), True),
    ((np.array([1.0, np.inf]),), False),
    ((np.ones(3), float("nan")), False),
    ((np.array([[0.0, -np.inf]])[:, 1:],), False),  # a view
    ((10 ** 400,), False),  # too large for a float: not checkable
    (("a",), False),
    ((np.array(["a"]),), False),
    ((None,), False),
    (([1.0, 2.0],), False),  # a list is no array the variants multiply
])
def test_finite(values, want):
    assert rt.finite(*values) is want
