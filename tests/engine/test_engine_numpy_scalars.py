"""Issue 15, item 7: NumPy scalars assigned to ``.data`` become Python floats.

Before v2 ``v.data = numpy.float64(2.0)`` made ``v.tanh()`` raise AttributeError,
``abs(v)`` a memoryview comparison error, and ``1 / v`` with a NumPy zero gave inf.
"""

import math

import pytest

from autograd import Value
from nn import MLP

numpy = pytest.importorskip("numpy")  # comes with matplotlib (the plots extra)


@pytest.mark.parametrize("number", [numpy.float64(2.0), numpy.float32(2.0), numpy.int64(2),
                                    numpy.float64(-0.5)])
def test_a_numpy_scalar_in_data_is_stored_as_a_float(number):
    v = Value(1.0)
    v.data = number
    assert type(v.data) is float and v.data == float(number)
    assert v.tanh().data == math.tanh(float(number))
    assert abs(v).data == abs(float(number))
    assert type(Value(number).data) is float


def test_a_numpy_zero_in_data_still_raises_on_division():
    v = Value(1.0)
    v.data = numpy.float64(0.0)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1 / v


def test_mlp_parameters_set_from_a_numpy_array_stay_floats():
    model = MLP(2, [3, 1], seed=0)
    for p, number in zip(model.parameters(), numpy.linspace(-1, 1, len(model.parameters()))):
        p.data = number
    assert all(type(p.data) is float for p in model.parameters())
    model([0.5, 0.5]).backward()
    assert all(math.isfinite(p.grad) for p in model.parameters())


def test_a_numpy_array_is_not_a_number():
    with pytest.raises(TypeError, match="ndarray"):
        Value(1.0).data = numpy.array([1.0, 2.0])
