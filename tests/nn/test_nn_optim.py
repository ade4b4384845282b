"""Optimizers, schedules and clipping against PyTorch's formulas (written out here) and torch."""

import math

import pytest

from autograd import Value, is_grad_enabled
from nn.clip import clip_grad_norm, clip_grad_value, global_norm
from nn.layers import MLP
from nn.optim import OPTIMIZERS, SGD, Adagrad, Adam, AdamW, RMSprop
from nn.schedules import ExponentialLR, LinearLR, StepLR

START = [0.5, -1.5, 2.0]
C = [1.0, 0.5, 2.0]
T = [0.3, 0.2, -0.4]
STEPS = 6


def loss_of(p):
    """L = Σ c_k (p_k − t_k)² + p₀p₁ (works on floats, Values and tensors)."""
    total = p[0] * p[1]
    for k in range(3):
        total = total + C[k] * (p[k] - T[k]) ** 2
    return total


def grad_of(p):
    """∂L/∂p by hand."""
    g = [2 * C[k] * (p[k] - T[k]) for k in range(3)]
    g[0] += p[1]
    g[1] += p[0]
    return g


def run_engine(make_optimizer, steps=STEPS):
    params = [Value(x) for x in START]
    opt = make_optimizer(params)
    for _ in range(steps):
        opt.zero_grad()
        loss_of(params).backward()
        opt.step()
    return [p.data for p in params]


# -- the formulas of /work/shared/REFERENCE.md, one step at a time ---------------------------

def sgd_reference(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    p, b = list(START), None
    for _ in range(STEPS):
        g = [gk + weight_decay * pk for gk, pk in zip(grad_of(p), p)]
        if momentum:
            b = g if b is None else [momentum * bk + (1 - dampening) * gk for bk, gk in zip(b, g)]
            g = [gk + momentum * bk for gk, bk in zip(g, b)] if nesterov else b
        p = [pk - lr * gk for pk, gk in zip(p, g)]
    return p


def adam_reference(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    p, m, v = list(START), [0.0] * 3, [0.0] * 3
    b1, b2 = betas
    for t in range(1, STEPS + 1):
        g = grad_of(p)
        if decoupled:
            p = [pk - lr * weight_decay * pk for pk in p]
        else:
            g = [gk + weight_decay * pk for gk, pk in zip(g, p)]
        m = [b1 * mk + (1 - b1) * gk for mk, gk in zip(m, g)]
        v = [b2 * vk + (1 - b2) * gk ** 2 for vk, gk in zip(v, g)]
        m_hat = [mk / (1 - b1 ** t) for mk in m]
        v_hat = [vk / (1 - b2 ** t) for vk in v]
        p = [pk - lr * mh / (math.sqrt(vh) + eps) for pk, mh, vh in zip(p, m_hat, v_hat)]
    return p


def rmsprop_reference(lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                      centered=False):
    p, v, gbar, b = list(START), [0.0] * 3, [0.0] * 3, [0.0] * 3
    for _ in range(STEPS):
        g = [gk + weight_decay * pk for gk, pk in zip(grad_of(p), p)]
        v = [alpha * vk + (1 - alpha) * gk ** 2 for vk, gk in zip(v, g)]
        if centered:
            gbar = [alpha * a + (1 - alpha) * gk for a, gk in zip(gbar, g)]
            d = [math.sqrt(vk - a ** 2) + eps for vk, a in zip(v, gbar)]
        else:
            d = [math.sqrt(vk) + eps for vk in v]
        if momentum:
            b = [momentum * bk + gk / dk for bk, gk, dk in zip(b, g, d)]
            p = [pk - lr * bk for pk, bk in zip(p, b)]
        else:
            p = [pk - lr * gk / dk for pk, gk, dk in zip(p, g, d)]
    return p


def adagrad_reference(lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                      eps=1e-10):
    p, s = list(START), [initial_accumulator_value] * 3
    for t in range(1, STEPS + 1):
        g = [gk + weight_decay * pk for gk, pk in zip(grad_of(p), p)]
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = [sk + gk ** 2 for sk, gk in zip(s, g)]
        p = [pk - lr_t * gk / (math.sqrt(sk) + eps) for pk, gk, sk in zip(p, g, s)]
    return p


CASES = [
    (SGD, dict(lr=0.1), sgd_reference),
    (SGD, dict(lr=0.05, momentum=0.9), sgd_reference),
    (SGD, dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01), sgd_reference),
    (SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1), sgd_reference),
    (Adam, dict(lr=0.1), adam_reference),
    (Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), adam_reference),
    (AdamW, dict(lr=0.05, weight_decay=0.1), None),
    (RMSprop, dict(lr=0.01), rmsprop_reference),
    (RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
     rmsprop_reference),
    (Adagrad, dict(lr=0.1), adagrad_reference),
    (Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5),
     adagrad_reference),
]


@pytest.mark.parametrize("cls, kwargs, reference", CASES)
def test_optimizer_matches_the_pytorch_formula(cls, kwargs, reference):
    if cls is AdamW:
        expected = adam_reference(decoupled=True, **kwargs)
    else:
        expected = reference(**kwargs)
    got = run_engine(lambda ps: cls(ps, **kwargs))
    assert got == pytest.approx(expected, rel=1e-12)
    assert got != pytest.approx(START, rel=1e-3)  # it moved


@pytest.mark.parametrize("cls, kwargs, reference", CASES)
def test_optimizer_matches_torch_optim(cls, kwargs, reference):
    torch = pytest.importorskip("torch")
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = getattr(torch.optim, cls.__name__)(params, **kwargs)
    for _ in range(STEPS):
        opt.zero_grad()
        loss_of(params).backward()
        opt.step()
    expected = [p.item() for p in params]
    assert run_engine(lambda ps: cls(ps, **kwargs)) == pytest.approx(expected, rel=1e-12)


def test_defaults_are_pytorchs():
    ps = [Value(1.0)]
    sgd = SGD(ps)
    assert (sgd.lr, sgd.momentum, sgd.dampening, sgd.weight_decay, sgd.nesterov) == \
        (1e-3, 0.0, 0.0, 0.0, False)
    adam = Adam(ps)
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)
    assert AdamW(ps).weight_decay == 1e-2
    rms = RMSprop(ps)
    assert (rms.lr, rms.alpha, rms.eps, rms.momentum, rms.centered) == \
        (1e-2, 0.99, 1e-8, 0.0, False)
    ada = Adagrad(ps)
    assert (ada.lr, ada.lr_decay, ada.eps, ada.initial_accumulator_value) == \
        (1e-2, 0.0, 1e-10, 0.0)
    assert OPTIMIZERS["adamw"] is AdamW and "lr=0.001" in repr(sgd)


def test_step_changes_data_only_and_builds_no_graph():
    mlp = MLP(2, [3, 1], seed=0)
    mlp([0.5, -0.5]).backward()
    before = [p.data for p in mlp.parameters()]
    opt = Adam(mlp.parameters(), lr=0.1)
    opt.step()
    assert all(type(p.data) is float and p.is_leaf for p in mlp.parameters())
    assert [p.data for p in mlp.parameters()] != before
    assert is_grad_enabled()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())


def test_lr_attribute_is_read_at_each_step():
    p = Value(1.0)
    opt = SGD([p], lr=0.1)
    p.grad = 1.0
    opt.lr = 0.5
    opt.step()
    assert p.data == 0.5


@pytest.mark.parametrize("make, error, message", [
    (lambda ps: SGD(ps, lr=-0.1), ValueError, "SGD: lr must be a finite number > 0, got -0.1"),
    (lambda ps: SGD(ps, lr="fast"), TypeError, "SGD: lr must be a number, got str 'fast'"),
    (lambda ps: SGD(ps, momentum=-0.5), ValueError, "momentum must be a finite number >= 0"),
    (lambda ps: SGD(ps, nesterov=True), ValueError,
     "nesterov=True needs momentum > 0 and dampening = 0, got momentum=0"),
    (lambda ps: SGD(ps, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     "dampening=0.1"),
    (lambda ps: SGD(ps, weight_decay=-1), ValueError, "weight_decay must be a finite number >= 0"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), ValueError,
     r"Adam: betas\[0\] must be in \[0, 1\), got 1.0"),
    (lambda ps: AdamW(ps, betas=(0.9, -0.1)), ValueError, r"AdamW: betas\[1\] must be in"),
    (lambda ps: Adam(ps, betas=0.9), ValueError, r"betas must be a pair"),
    (lambda ps: Adam(ps, eps=-1e-8), ValueError, "eps must be a finite number >= 0"),
    (lambda ps: RMSprop(ps, alpha=-0.9), ValueError, r"RMSprop: alpha must be in \[0, 1\), got -0.9"),
    (lambda ps: Adagrad(ps, lr_decay=-1), ValueError, "Adagrad: lr_decay must be a finite number >= 0"),
    (lambda ps: Adagrad(ps, initial_accumulator_value=-1), ValueError,
     "initial_accumulator_value must be a finite number >= 0"),
    # Settings that used to be accepted and failed later, or never.
    (lambda ps: RMSprop(ps, alpha=2), ValueError, r"RMSprop: alpha must be in \[0, 1\), got 2.0"),
    (lambda ps: RMSprop(ps, alpha=1), ValueError, r"RMSprop: alpha must be in \[0, 1\)"),
    (lambda ps: SGD(ps, lr=math.inf), ValueError, "SGD: lr must be a finite number > 0, got inf"),
    (lambda ps: SGD(ps, lr=0), ValueError, "SGD: lr must be a finite number > 0, got 0.0"),
    (lambda ps: SGD(ps, lr=math.nan), ValueError, "SGD: lr must be a finite number > 0, got nan"),
    (lambda ps: SGD(ps, momentum=0.9, dampening=math.nan), ValueError,
     "SGD: dampening must be a finite number, got nan"),
    (lambda ps: Adam(ps, eps=math.inf), ValueError, "Adam: eps must be a finite number >= 0, got inf"),
    (lambda ps: AdamW(ps, weight_decay=math.inf), ValueError, "AdamW: weight_decay must be a finite"),
    (lambda ps: RMSprop(ps, momentum=math.nan), ValueError, "RMSprop: momentum must be a finite"),
    (lambda ps: Adagrad(ps, initial_accumulator_value=math.inf), ValueError,
     "Adagrad: initial_accumulator_value must be a finite number >= 0, got inf"),
    (lambda ps: Adagrad(ps, eps=math.nan), ValueError, "Adagrad: eps must be a finite"),
    (lambda ps: SGD([], lr=0.1), ValueError, "empty parameter list"),
    (lambda ps: SGD([1.0], lr=0.1), TypeError, "parameter 0 is float 1.0, not a Value"),
    (lambda ps: SGD(ps + ps, lr=0.1), ValueError, "appear more than once"),
    (lambda ps: SGD(MLP(1, [1]), lr=0.1), TypeError, r"such as\s+model.parameters\(\)"),
])
def test_invalid_hyper_parameters(make, error, message):
    with pytest.raises(error, match=message):
        make([Value(1.0)])


# -- schedules -------------------------------------------------------------------------------------

def lrs(scheduler, optimizer, epochs):
    seen = [optimizer.lr]
    for _ in range(epochs):
        optimizer.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr()[0])
    return seen


def test_step_lr():
    opt = SGD([Value(1.0)], lr=1.0)
    got = lrs(StepLR(opt, step_size=3, gamma=0.5), opt, 9)
    assert got == pytest.approx([0.5 ** (t // 3) for t in range(10)], rel=1e-15)


def test_linear_lr_follows_the_closed_form():
    opt = SGD([Value(1.0)], lr=0.3)
    got = lrs(LinearLR(opt, start_factor=0.25, end_factor=1.0, total_iters=4), opt, 7)
    expected = [0.3 * (0.25 + 0.75 * min(t, 4) / 4) for t in range(8)]
    assert got == pytest.approx(expected, rel=1e-14)
    opt = SGD([Value(1.0)], lr=1.0)
    decay = lrs(LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=3), opt, 4)
    assert decay == pytest.approx([1.0, 0.7, 0.4, 0.1, 0.1], rel=1e-14)


def test_exponential_lr():
    opt = SGD([Value(1.0)], lr=2.0)
    assert lrs(ExponentialLR(opt, gamma=0.9), opt, 4) == \
        pytest.approx([2.0 * 0.9 ** t for t in range(5)], rel=1e-14)


@pytest.mark.parametrize("make, message", [
    (lambda o: StepLR(o, step_size=0), "StepLR: step_size must be a positive int, got 0"),
    (lambda o: StepLR(o, step_size=2, gamma=-1), "StepLR: gamma must be a finite number >= 0, got -1.0"),
    (lambda o: ExponentialLR(o, gamma=math.inf), "ExponentialLR: gamma must be a finite number"),
    (lambda o: LinearLR(o, start_factor=0.0), r"start_factor must be in \(0, 1\], got 0.0"),
    (lambda o: LinearLR(o, end_factor=1.5), r"end_factor must be in \[0, 1\], got 1.5"),
    (lambda o: LinearLR(o, total_iters=0), "total_iters must be a positive int"),
])
def test_bad_schedule_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make(SGD([Value(1.0)], lr=0.1))
    with pytest.raises(TypeError, match="needs an optimizer with an lr attribute"):
        StepLR(object(), step_size=1)


def test_schedules_match_torch():
    torch = pytest.importorskip("torch")
    sched = torch.optim.lr_scheduler
    cases = [(StepLR, sched.StepLR, dict(step_size=2, gamma=0.3)),
             (LinearLR, sched.LinearLR, dict(start_factor=0.1, end_factor=0.9, total_iters=5)),
             (ExponentialLR, sched.ExponentialLR, dict(gamma=0.7))]
    for ours, theirs, kwargs in cases:
        t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.05)
        t_sched = theirs(t_opt, **kwargs)
        expected = [t_sched.get_last_lr()[0]]
        for _ in range(8):
            t_opt.step()
            t_sched.step()
            expected.append(t_sched.get_last_lr()[0])
        opt = SGD([Value(0.0)], lr=0.05)
        assert lrs(ours(opt, **kwargs), opt, 8) == expected  # bit for bit


# -- clipping ----------------------------------------------------------------------------------------

def with_grads(grads):
    ps = [Value(0.0) for _ in grads]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_clip_grad_norm_scales_by_the_global_norm():
    ps = with_grads([3.0, -4.0, 0.0])
    norm = clip_grad_norm(ps, max_norm=1.0)
    assert norm == 5.0
    scale = 1.0 / (5.0 + 1e-6)
    assert [p.grad for p in ps] == pytest.approx([3 * scale, -4 * scale, 0.0], rel=1e-15)
    small = with_grads([0.3, 0.4])
    assert clip_grad_norm(small, max_norm=1.0) == pytest.approx(0.5, rel=1e-15)
    assert [p.grad for p in small] == [0.3, 0.4]


def test_global_norm_does_not_overflow_or_underflow():
    assert global_norm(with_grads([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
    assert global_norm(with_grads([3e-200, 4e-200])) == pytest.approx(5e-200, rel=1e-15)
    assert global_norm(with_grads([0.0, 0.0])) == 0.0


def test_clip_grad_value_and_bad_arguments():
    ps = with_grads([3.0, -4.0, 0.5])
    clip_grad_value(ps, 1.0)
    assert [p.grad for p in ps] == [1.0, -1.0, 0.5]
    with pytest.raises(ValueError, match="clip_grad_norm: max_norm must be >= 0, got -1"):
        clip_grad_norm(ps, -1)
    with pytest.raises(TypeError, match="clip_grad_value: parameter 0 is float"):
        clip_grad_value([1.0], 1.0)


def test_clip_matches_torch():
    torch = pytest.importorskip("torch")
    grads = [0.3, -2.0, 1.7, 0.05]
    ts = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in grads]
    for t, g in zip(ts, grads):
        t.grad = torch.tensor([g], dtype=torch.float64)
    expected_norm = torch.nn.utils.clip_grad_norm_(ts, max_norm=0.5).item()
    ps = with_grads(grads)
    assert clip_grad_norm(ps, 0.5) == pytest.approx(expected_norm, rel=1e-14)
    assert [p.grad for p in ps] == pytest.approx([t.grad.item() for t in ts], rel=1e-14)


# -- eps = 0: no 0/0 ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda ps: Adam(ps, lr=0.1, eps=0),
    lambda ps: AdamW(ps, lr=0.1, eps=0),
    lambda ps: RMSprop(ps, lr=0.1, eps=0),
    lambda ps: RMSprop(ps, lr=0.1, eps=0, centered=True, momentum=0.9),
    lambda ps: Adagrad(ps, lr=0.1, eps=0),
])
def test_eps_zero_with_a_zero_gradient_leaves_the_parameter_where_it_is(make):
    # PyTorch computes 0/0 = nan here; the limit ε → 0⁺ of m/(√v + ε) with m = 0 is 0.
    still, moving = Value(0.5), Value(0.5)
    opt = make([still, moving])
    for _ in range(3):
        opt.zero_grad()
        moving.grad = 1.0
        opt.step()
    assert still.data == 0.5 or isinstance(opt, AdamW)   # AdamW's decay moves it by γλθ
    assert math.isfinite(still.data) and math.isfinite(moving.data)
    assert moving.data < 0.5


def test_adam_eps_zero_first_step_is_lr_times_the_gradient_sign():
    # Hand-derived: t = 1, m̂ = g, v̂ = g², so θ ← θ − γ·g/√g² = θ − γ·sign(g).
    p = Value(1.0)
    opt = Adam([p], lr=0.25, eps=0)
    p.grad = -3.0
    opt.step()
    assert p.data == 1.25
