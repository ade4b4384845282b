"""Hypothesis strategies: random small networks with an input and a target.

    from hypothesis import given
    from autograd import gradcheck
    from nn.strategies import networks

    @given(networks())
    def test_backprop_through_any_small_mlp(net):
        gradcheck(net.loss, net.parameters(), samples=2, skip_kinks=True)

Each :class:`Network` is an :class:`nn.MLP` (1–3 inputs, 1–3 layers of 1–3
neurons, activations drawn per layer, parameters drawn from a seeded
initialiser), one sample x and a target y; ``net.loss()`` is the mean squared
error of the model's output at x, a function of the parameters, which are
labelled in the lecture notes' notation (``W^[l]_j,k``, ``b^[l]_j``), so a check
names them.  Needs hypothesis (``pip install hypothesis``).
"""

from dataclasses import dataclass

try:
    from hypothesis import strategies as st
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("nn.strategies needs hypothesis: pip install hypothesis "
                      "(or install backproplab with its 'test' extra)") from missing

from . import ACTIVATIONS, MLP, mse


@dataclass
class Network:
    """A model with one sample: ``loss()`` is L = mse(A^[L](x), y)."""

    model: MLP
    sizes: list
    """[n_0, n_1, …, n_L]: inputs, then each layer's width."""
    x: list
    y: list

    def loss(self):
        out = self.model(self.x)
        return mse(out if isinstance(out, list) else [out], self.y)

    def parameters(self):
        return self.model.parameters()

    def __str__(self):
        return f"MLP {'-'.join(map(str, self.sizes))}, x = {self.x}, y = {self.y}"


def networks(*, max_inputs=3, max_layers=3, max_width=3, activations=("tanh", "sigmoid", "relu",
             "softplus", "linear"), values=None):
    """A strategy for :class:`Network` s; ``activations`` are names of
    :data:`nn.ACTIVATIONS`, ``values`` the strategy for x and y (default floats in
    [−2, 2])."""
    unknown = [a for a in activations if a not in ACTIVATIONS]
    if unknown or not activations:
        raise ValueError(f"unknown activation(s) {unknown!r}; choose from {sorted(ACTIVATIONS)}")
    numbers = values if values is not None else st.floats(-2.0, 2.0)

    @st.composite
    def draw_network(draw):
        nin = draw(st.integers(1, max_inputs))
        sizes = draw(st.lists(st.integers(1, max_width), min_size=1, max_size=max_layers))
        acts = [draw(st.sampled_from(activations)) for _ in sizes]
        model = MLP(nin, sizes, activations=acts, seed=draw(st.integers(0, 2 ** 16)))
        x = draw(st.lists(numbers, min_size=nin, max_size=nin))
        y = draw(st.lists(numbers, min_size=sizes[-1], max_size=sizes[-1]))
        return Network(model, [nin, *sizes], x, y)

    return draw_network()
