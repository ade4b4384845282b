"""``backprop explain --engine matrix``: the explain tables from the vectorized equations.

Builds the same :class:`~nn.explain.Derivation` as :func:`nn.explain.explain_step`,
but every number comes from :mod:`nn.matrix.equations` run on the whole batch at
once instead of from the graph of Values; the tests hold the two equal to 1e-12.
The per-sample ∂Lᵢ/∂A^[l] of a hidden layer is (W^[l+1])ᵀ δ^[l+1] and the
per-sample ∂Lᵢ/∂W^[l] is δᵢ^[l] (aᵢ^[l−1])ᵀ, column i of each.
"""

from ..explain.derivation import Derivation, LayerDerivation, successive_steps
from ..explain.inputs import as_batch, check_lr
from ..losses import LOSSES as LOSS_RECORDS, check_pairing
from .activations import ACTIVATIONS as MATRIX_ACTIVATIONS
from . import equations as eq
from .losses import get_loss, target_matrix
from .network import MatrixMLP
from ._numpy import np


def explain_step(model, X, Y, loss="bce", lr=None):
    """One forward and backward pass of ``model`` on (X, Y) as a Derivation
    (arguments as :func:`nn.explain.explain_step`; ``loss`` must be a loss name)."""
    network = MatrixMLP.from_model(model)
    samples, targets = as_batch(X, Y, network.sizes[0])
    matrix_loss = get_loss(loss)
    check_pairing(network.activations[-1].name, matrix_loss.name)
    lr = check_lr(lr)
    A0 = np.array(samples, dtype=float).T
    result = network.backward(A0, target_matrix(matrix_loss, targets, network.sizes[-1]),
                              matrix_loss.name)
    m, L = A0.shape[1], len(network.W)
    dW, db = network.views(result.gradient)
    tables = []
    for l in range(L):
        A_prev = result.A[l - 1] if l else A0
        dL_dA = result.dL_dY_hat if l == L - 1 else network.W[l + 1].T @ result.delta[l + 1]
        table = LayerDerivation(
            l=l + 1, activation=network.activations[l].name,
            W=network.W[l].tolist(), b=network.b[l][:, 0].tolist(),
            Z=result.Z[l].tolist(), A=result.A[l].tolist(), dL_dA=dL_dA.tolist(),
            # softmax's Jacobian is not element-wise: no f′(Z) table, as the graph's
            f_prime_Z=(result.f_prime_Z[l].tolist() if network.activations[l].elementwise
                       else None),
            delta=result.delta[l].tolist(),
            dL_dW=dW[l].tolist(), dL_db=db[l][:, 0].tolist(),
            dL_dW_per_sample=[np.outer(result.delta[l][:, i], A_prev[:, i]).tolist()
                              for i in range(m)])
        if lr is not None:
            table.W_new = eq.gradient_descent_update(network.W[l], dW[l], lr).tolist()
            table.b_new = eq.gradient_descent_update(network.b[l], db[l], lr)[:, 0].tolist()
        tables.append(table)
    squash = LOSS_RECORDS[matrix_loss.name].applies   # logits -> the ŷ a student writes
    probabilities = (None if squash is None
                     else MATRIX_ACTIVATIONS[squash].f(result.A[-1]).tolist())
    return Derivation(loss_function=matrix_loss.name, lr=lr, A0=A0.tolist(), Y=targets,
                      Y_hat=tables[-1].A, probabilities=probabilities,
                      losses=result.losses.tolist(), loss=result.loss, layers=tables)


def explain_steps(model, X, Y, loss="bce", lr=0.1, steps=2):
    """``steps`` successive :func:`explain_step` iterations, each on the model the previous
    one produced (as :func:`nn.explain.explain_steps`); ``model`` is left unchanged."""
    return successive_steps(explain_step, model, X, Y, loss, lr, steps)
