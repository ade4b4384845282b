"""Our MLP and a PyTorch nn.Sequential with the same state_dict compute the same numbers."""

import pytest

from nn.layers import MLP
from nn.losses import mse

torch = pytest.importorskip("torch")

XS = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.7], [-0.2, -0.4, 2.0]]
YS = [[0.1, -0.3], [0.0, 0.5], [1.0, 0.2]]


def torch_twin(mlp):
    """The nn.Sequential of mlp.torch_modules(), in float64, loaded with our state_dict."""
    modules = [eval(spec, vars(torch.nn)) for spec in mlp.torch_modules()]
    net = torch.nn.Sequential(*modules).double()
    net.load_state_dict({k: torch.tensor(v, dtype=torch.float64)
                         for k, v in mlp.state_dict().items()})
    return net


@pytest.mark.parametrize("activations, dropout", [
    (None, 0.0),
    (["tanh", "sigmoid", "linear"], 0.0),
    (["relu", "softplus", "tanh"], 0.0),
    ("linear", 0.0),
    (["relu", "tanh", "linear"], 0.3),
    (["gelu", "silu", "softmax"], 0.0),
    (["leaky_relu", "leaky_relu", "linear"], 0.0),
])
def test_forward_and_gradients_match_torch(activations, dropout):
    mlp = MLP(3, [4, 5, 2], activations=activations, init="pytorch", seed=7, dropout=dropout)
    mlp.eval()  # dropout, where present, is the identity in both
    net = torch_twin(mlp).eval()
    assert list(dict(net.named_parameters())) == list(mlp.state_dict())

    loss = mse([mlp(x) for x in XS], YS)
    mlp.zero_grad()
    loss.backward()
    out = net(torch.tensor(XS, dtype=torch.float64))
    ref = torch.nn.functional.mse_loss(out, torch.tensor(YS, dtype=torch.float64))
    ref.backward()

    assert [[v.data for v in mlp(x)] for x in XS] == \
        [pytest.approx(row, rel=1e-12, abs=1e-15) for row in out.tolist()]
    assert loss.data == pytest.approx(ref.item(), rel=1e-12)
    ours = dict(mlp.named_parameters())
    for key, param in net.named_parameters():
        flat = param.grad.reshape(-1).tolist()
        names = ([f"{key}[{j}][{k}]" for j in range(param.shape[0]) for k in range(param.shape[1])]
                 if param.dim() == 2 else [f"{key}[{j}]" for j in range(param.shape[0])])
        assert [ours[n].grad for n in names] == pytest.approx(flat, rel=1e-12, abs=1e-15)


def test_torch_state_dict_loads_into_our_mlp():
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(),
                              torch.nn.Linear(3, 1)).double()
    mlp = MLP(2, [3, 1], activations=["tanh", "linear"], seed=0)
    mlp.load_state_dict(net.state_dict())  # tensors are read through .tolist()
    x = [0.7, -0.1]
    expected = net(torch.tensor([x], dtype=torch.float64)).item()
    assert mlp(x).data == pytest.approx(expected, rel=1e-12)


def test_lecture_network_matches_torch():
    mlp = MLP.from_weights(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]],
                                    [[0.9, 1.0]]],
                           biases=[[0.05, 0.05], [0.1, 0.1], [0.15]],
                           activations=["relu", "relu", "sigmoid"])
    net = torch_twin(mlp)
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU",
                                               "Linear", "Sigmoid"]
    yhat = net(torch.tensor([0.5, 1.0], dtype=torch.float64))
    assert mlp([0.5, 1.0]).data == pytest.approx(yhat.item(), rel=1e-12)
