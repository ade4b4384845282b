"""Every activation record and every loss record, through every consumer that reads it.

The registries are enumerated (:data:`nn.activations.ACTIVATIONS`, :data:`nn.losses.LOSSES`)
and each entry is driven through both engines, the ``explain`` tables in every format,
the CLI's choices (explain, train, exercise, check-formula), the network diagram, the
explorer and its live view, worksheets, formula questions and grading, and PyTorch where
it is installed.  A new record that some consumer cannot render fails here, with the
record's name in the test's id.
"""

import html
import json
import random

import pytest

from autograd import Value, grad, gradcheck
from autograd.formula import check_formula, evaluate
from nn.activations import ACTIVATIONS, ELEMENTWISE
from nn.cli.main import build_parser, main
from nn.explain import explain_step
from nn.explain.exercise import HIDDEN_CHOICES, LOSS_CHOICES, make_exercise
from nn.explain.formulas import LOSS_OUTPUTS
from nn.explain.grade import grade
from nn.explain.quantities import ASKED
from nn.explain.render import FORMATS, render
from nn.explain.worksheet import activation_formula, loss_formula, to_html, to_latex, to_markdown
from nn.layers import MLP
from nn.losses import LOSSES, ONE_OUTPUT, check_pairing, record_of
from nn.train import accuracy_rule, fit, predict
from nn.viz.diagram import draw_network
from nn.viz.explorer.live import float_outputs
from nn.viz.explorer.network import network_script

np = pytest.importorskip("numpy")   # the matrix engine is one of the consumers
from nn.matrix.explain import explain_step as matrix_explain_step  # noqa: E402
from nn.matrix.losses import LOSSES as MATRIX_LOSSES  # noqa: E402
from latex_text import balanced

POINTS = [-3.1, -1.0, -0.25, 0.0, 0.4, 1.0, 2.7]
X = [[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]]


def two_layers(hidden, output, n_out=1):
    weights = [[[0.5, -1.0], [1.5, 0.25]], [[0.7, -0.3], [-0.4, 0.9], [0.2, 0.6]][:n_out]]
    biases = [[0.1, -0.2], [0.05, -0.1, 0.0][:n_out]]
    return MLP.from_weights(weights, biases, [hidden, output])


def targets_for(loss, n=len(X)):
    """Targets in ``loss``'s domain, one per sample of X."""
    record = LOSSES[loss]
    if record.classes:
        return [k % 3 for k in range(n)]
    if record.labels:
        return [float(record.labels[k % 2]) for k in range(n)]
    return [0.25 + 0.5 * (k % 2) for k in range(n)]


def network_for_activation(name):
    """(model, loss): the activation in the hidden layer (softmax: at the output)."""
    if ACTIVATIONS[name].elementwise:
        return two_layers(name, "linear"), "mse"
    return two_layers("tanh", name, n_out=3), "categorical_cross_entropy"


def network_for_loss(name):
    """A model whose output layer fits ``name`` (its record's pairing; K outputs for
    classes)."""
    record = LOSSES[name]
    return two_layers("tanh", record.output, n_out=3 if record.classes else 1)


def same_tables(a, b):
    for ours, theirs in zip(a.layers, b.layers):
        for key in ("Z", "A", "dL_dA", "delta", "dL_dW", "dL_db", "W_new"):
            assert np.allclose(getattr(ours, key), getattr(theirs, key), rtol=1e-10,
                               atol=1e-13), key
    assert a.loss == pytest.approx(b.loss, rel=1e-12)


def explained_in_every_format(d):
    for fmt in FORMATS:
        shown = render(d, fmt)
        assert isinstance(shown, str) and shown, fmt
    return {fmt: render(d, fmt) for fmt in FORMATS}


# -- activations ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_record_agrees_with_the_engine(name):
    record = ACTIVATIONS[name]
    for text, latex in [record.written(), record.written(latex=True)]:
        assert text and latex
    assert record.f_prime() and balanced(record.f_prime(latex=True))
    assert balanced(record.formula_latex)
    if not record.elementwise:
        zs = [Value(z) for z in POINTS[:3]]
        assert record.on_float(POINTS[:3]) == [a.data for a in record(zs)]
        # numbers of any kind are numbers: NumPy's and ints give floats, never Values
        assert record.on_float([np.float64(z) for z in POINTS[:3]]) == record.on_float(
            POINTS[:3])
        assert all(type(a) is float for a in record.on_float([1, 2, 3]))
        return
    matrix_f, matrix_f_prime = (lambda Z, form=form: form(np, Z) for form in record.matrix)
    Z = np.array([POINTS])
    for k, z in enumerate(POINTS):
        leaf = Value(z)
        a = record(leaf)
        slope = grad(a, leaf) if a is not leaf else 1.0
        assert record.on_float(z) == (a.data if a is not leaf else z)   # bit for bit
        assert record.hand_derivative(z) == pytest.approx(slope, rel=1e-9, abs=1e-12)
        assert matrix_f(Z)[0, k] == pytest.approx(a.data, rel=1e-12, abs=1e-15)
        assert matrix_f_prime(Z)[0, k] == pytest.approx(slope, rel=1e-12, abs=1e-15)
        assert evaluate(record.expression, {"z": z}) == pytest.approx(a.data, rel=1e-12,
                                                                      abs=1e-15)
        if record.output_derivative is not None and z != record.kink:
            assert record.output_derivative(a.data) == pytest.approx(slope, rel=1e-9)
        if record.bounds is not None:
            assert record.bounds[0] <= a.data <= record.bounds[1]
    # f′ written out in the formula notation is the engine's f′ (a formula question's key)
    assert check_formula(record.derivative_answer, of=record.expression, wrt="z")
    if record.kink is not None:
        left, right = (record.hand_derivative(record.kink + d) for d in (-1e-9, 1e-9))
        assert left != right
    assert gradcheck(record.fn, [0.7])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_in_both_engines_every_explain_format_and_the_explain_command(
        name, tmp_path, capsys):
    model, loss = network_for_activation(name)
    Y = targets_for(loss)
    d = explain_step(model, X, Y, loss=loss, lr=0.1)
    same_tables(d, matrix_explain_step(model, X, Y, loss=loss, lr=0.1))
    shown = explained_in_every_format(d)
    layer = 1 if ACTIVATIONS[name].elementwise else 2
    assert f"A^[{layer}] = {name}(Z^[{layer}])" in shown["text"]
    latex = ACTIVATIONS[name].latex   # the identity writes A = Z, no function
    assert (f"{latex}(\\mathbf{{Z}}^{{[{layer}]}})" if latex else
            f"\\mathbf{{A}}^{{[{layer}]}} &= \\mathbf{{Z}}^{{[{layer}]}} =") in shown["latex"]
    network = {"weights": [[[w.data for w in n.w] for n in layer_.neurons]
                           for layer_ in model.layers],
               "biases": [[n.b.data for n in layer_.neurons] for layer_ in model.layers],
               "activations": model.activations, "inputs": X, "targets": Y, "loss": loss,
               "lr": 0.1}
    path = tmp_path / "network.json"
    path.write_text(json.dumps(network))
    for engine in ("scalar", "matrix"):
        assert main(["explain", "--network", str(path), "--engine", engine]) == 0
        assert f"{name}(Z^[{layer}])" in capsys.readouterr().out


def exercise_args(*options):
    return ["exercise", "--student", "ann", "--out", "class", *options]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_choices_of_every_command(name):
    parser = build_parser()
    if ACTIVATIONS[name].elementwise:
        assert parser.parse_args(["train", "--activation", name]).activation == name
        assert parser.parse_args(exercise_args("--hidden", name)).hidden == name
        assert parser.parse_args(["check-formula", "δ^[1] = W2ᵀ δ^[2]", "--activation",
                                  name]).activation == name
    else:   # a layer-wise activation is for the output layer only
        for args in (["train", "--activation", name], exercise_args("--hidden", name)):
            with pytest.raises(Exception, match="invalid choice"):
                parser.parse_args(args)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_in_the_diagram_the_explorer_and_the_live_view(name):
    model, loss = network_for_activation(name)
    record = ACTIVATIONS[name]
    layer = 1 if record.elementwise else 2
    assert f"layer {layer} · {record.symbol}" in draw_network(model).source
    script = network_script(model, X[:2], targets_for(loss, 2), loss=loss, lr=0.1)
    forward = {s["title"]: s["lines"] for s in script["steps"]}
    if record.primitive is not None:
        # the explorer writes a = f(z) by the primitive's own record
        a, z = f"a^[{layer}](1)_1", f"z^[{layer}](1)_1"
        (shown,) = record.primitive.formulas([z], a, record.constant)[:1]
        assert forward[f"Forward: {a}"][0] == f"{a} = {shown}"
    assert script["diagrams"] and all(step["lines"] for step in script["steps"])
    # the live view computes the outputs on floats, exactly as predict does on Values
    points = [[u / 2, v / 3] for u in range(-3, 4) for v in range(-3, 4)]
    assert float_outputs(model.layers, points) == predict(model, points)


@pytest.mark.parametrize("name", list(HIDDEN_CHOICES))
def test_activation_on_worksheets_formula_questions_and_grading(name):
    ex = make_exercise("ann", course="records", sizes=(2, 2, 1), hidden=name, loss="half_mse",
                       formula_weight=1)
    questions = ex.formula_questions()
    asked = {q.asks_derivative_of for q in questions} - {None}
    shown = {False: activation_formula(name), True: activation_formula(name, latex=True)}
    if name in asked:   # f′ is the question, so the sheet gives f alone
        shown = {latex: text.split(", ")[0] if not latex else text.split(r",\ ")[0]
                 for latex, text in shown.items()}
    sheet = html.unescape(to_html(ex).split('<section id="answers">')[0])   # not its form
    assert shown[False] in to_markdown(ex) and shown[False] in sheet
    assert shown[True] in to_latex(ex)
    for q in questions:
        assert q.grade(q.answer), (q.key, q.answer)
    assert asked == ({name} if ACTIVATIONS[name].derivative_answer and
                     not ACTIVATIONS[name].is_identity else set())
    key = ex.answer_key()
    key.pop("formulas")
    assert grade(ex.derivation(), key, questions=ASKED).all_correct


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    model, _ = network_for_activation(name)
    record = ACTIVATIONS[name]
    modules = [eval(spec, vars(torch.nn)) for spec in model.torch_modules()]
    assert (record.torch_module in model.torch_modules()) == (record.torch_module is not None)
    net = torch.nn.Sequential(*modules).double()
    net.load_state_dict({k: torch.tensor(v, dtype=torch.float64)
                         for k, v in model.state_dict().items()})
    out = net(torch.tensor(X, dtype=torch.float64))
    ours = [[v.data for v in model.layers[-1](model.layers[0](x))] for x in X]
    assert ours == [pytest.approx(row, rel=1e-12, abs=1e-15) for row in out.tolist()]


# -- losses --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_record_is_complete_and_agrees_with_the_engine(name):
    record = LOSSES[name]
    assert record.name == name and record_of(name) is record and record_of(record.fn) is record
    assert record.formula and balanced(record.formula_latex) and record.derivative
    assert record.takes in ("probabilities", "logits", "scores", "values")
    assert record.targets in ("probabilities", "labels ±1", "numbers", "classes")
    assert record.output in ACTIVATIONS and record.two_class_output in ACTIVATIONS
    assert (record.applies is None) == (record.on_probabilities is None) \
        == (record.takes != "logits")
    if record.applies is not None:
        assert LOSSES[record.on_probabilities].takes == "probabilities"
        assert ACTIVATIONS[record.applies].gives_probabilities
    if record.fused is not None:
        output, logits = record.fused
        assert LOSSES[logits].applies == output and LOSSES[logits].on_probabilities == name
    assert (record.expression is None) == (record.delta is None) == record.classes
    assert (record.half is not None) == (record.expression or "").startswith("mse(")
    if record.expression is not None:
        # ∂Lᵢ/∂ŷ as written is the derivative of Lᵢ, and δ^[L] after the output it is
        # taught with is ∂Lᵢ/∂z: both checked by the engine
        assert check_formula(record.derivative, of=record.expression.format(p="ŷ"),
                             wrt="yhat")
        output = ACTIVATIONS[record.output].expression
        assert check_formula(record.delta, of=record.expression.format(p=output), wrt="z",
                             let={"a": "z"} if output == "z" else {})
    model = network_for_loss(name)
    rule = accuracy_rule(name, model, targets_for(name))
    assert rule is not None or record.accuracy is None
    if record.accuracy is not None:
        assert rule is record.accuracy and rule.reason


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_in_both_engines_fit_and_every_explain_format(name):
    record = LOSSES[name]
    model = network_for_loss(name)
    Y = targets_for(name)
    d = explain_step(model, X, Y, loss=name, lr=0.1)
    same_tables(d, matrix_explain_step(model, X, Y, loss=name, lr=0.1))
    shown = explained_in_every_format(d)
    assert f"Lᵢ ({name})" in shown["text"]
    assert (d.probabilities is None) == (record.applies is None)
    # the matrix form's per-sample losses and ∂Lᵢ/∂Ŷ are the scalar function's
    matrix = MATRIX_LOSSES[name]
    P = np.array(d.Y_hat)
    from nn.matrix.losses import target_matrix

    T = target_matrix(matrix, Y, len(P))
    assert matrix.value(P, T) == pytest.approx(
        [record([Value(p) for p in col] if len(col) > 1 else Value(col[0]), y).data
         for col, y in zip(P.T.tolist(), Y)], rel=1e-12)
    histories = {}
    for engine in ("scalar", "matrix"):
        fresh = network_for_loss(name)
        histories[engine] = fit(fresh, X, Y, loss=name, epochs=2, batch_size=2, seed=0,
                                verbose=False, engine=engine)
    assert histories["scalar"].history["loss"] == pytest.approx(
        histories["matrix"].history["loss"], rel=1e-10)
    if not record.classes:
        assert gradcheck(lambda *v: record(list(v), Y[:2]), [0.3, 0.6])


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_choices_of_every_command_and_the_train_command(name, tmp_path, capsys):
    record = LOSSES[name]
    parser = build_parser()
    assert parser.parse_args(["train", "--loss", name]).loss == name
    assert parser.parse_args(["explain", "--network", "n.json", "--loss", name]).loss == name
    assert (name in LOSS_CHOICES) == (name in LOSS_OUTPUTS) == (name in ONE_OUTPUT) \
        == (not record.classes)
    for args in (exercise_args("--loss", name), ["check-formula", "δ^[L] = Ŷ − Y", "--loss",
                                                 name]):
        if record.classes:   # an exercise and a layer formula's networks have one output
            with pytest.raises(Exception, match="invalid choice"):
                parser.parse_args(args)
        else:
            assert parser.parse_args(args).loss == name
    dataset = ["--dataset", "blobs", "--classes", "3"] if record.classes else []
    status = main(["train", "--loss", name, "--epochs", "1", "--samples", "30", "--hidden", "4",
                   "--no-plots", "--quiet", "--engine", "matrix", *dataset])
    out = capsys.readouterr().out
    assert status == 0 and out.startswith("Final: train loss"), out


@pytest.mark.parametrize("name", [loss for loss in LOSSES if not LOSSES[loss].classes])
def test_loss_on_worksheets_formula_questions_grading_and_mistakes(name):
    record = LOSSES[name]
    ex = make_exercise("ann", course="records", sizes=(2, 2, 1), hidden="relu", loss=name,
                       m=2, formula_weight=1)
    assert ex.activations[-1] == record.output
    assert all(t in record.labels for t in ex.targets) if record.labels else True
    assert loss_formula(name) in to_markdown(ex)
    assert loss_formula(name, latex=True) in to_latex(ex)
    for q in ex.formula_questions():
        assert q.grade(q.answer), (q.key, q.answer)
    key = ex.answer_key()
    key.pop("formulas")
    d = ex.derivation()
    assert grade(d, key, questions=ASKED).all_correct
    if record.half is not None:   # a squared error without (or with) the ½ it has is named
        L = str(len(d.layers))
        slipped = json.loads(json.dumps(key))
        slipped["layers"][L]["dA"] = [[v * (2.0 if record.half else 0.5) for v in row]
                                      for row in key["layers"][L]["dA"]]
        codes = {e.diagnosis for e in grade(d, slipped, questions=ASKED).entries
                 if e.quantity == "dA" and e.verdict == "wrong"}
        assert codes == {"missing_half" if record.half else "extra_half"}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_in_the_explorer_and_the_pairing_check(name):
    record = LOSSES[name]
    model = network_for_loss(name)
    script = network_script(model, X[:2], targets_for(name, 2), loss=name, lr=0.1)
    assert script["tables"] and any(s["title"] == "Backward: L" for s in script["steps"])
    # a loss computed from its output layer's logits says so where δ^[L] is completed
    notes = [note for step in script["steps"] for note in step.get("notes", [])]
    reads_logit = any("not from ŷ" in note for note in notes)
    assert reads_logit == (record.fused is not None and record.fused[0] == record.output)
    for output, activation in ACTIVATIONS.items():
        if record.applies is not None and activation.gives_probabilities:
            with pytest.raises(ValueError, match="expects logits"):
                check_pairing(output, name)
        else:
            check_pairing(output, name)


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    record = LOSSES[name]
    rng = random.Random(name)
    n_out = 3 if record.classes else 1
    if record.takes == "probabilities" and record.classes:
        raw = [[rng.random() + 0.1 for _ in range(n_out)] for _ in range(4)]
        preds = [[p / sum(row) for p in row] for row in raw]
    elif record.takes == "probabilities":
        preds = [[rng.uniform(0.05, 0.95)] for _ in range(4)]
    else:
        preds = [[rng.uniform(-2.0, 2.0) for _ in range(n_out)] for _ in range(4)]
    Y = targets_for(name, 4)
    values = [[Value(p) for p in row] for row in preds]
    ours = record([row if record.classes else row[0] for row in values], Y)
    ours.backward()
    t = torch.tensor(preds if record.classes else [row[0] for row in preds],
                     dtype=torch.float64, requires_grad=True)
    y = torch.tensor(Y, dtype=torch.long if record.classes else torch.float64)
    theirs = record.torch(torch, t, y)
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    grads = [[v.grad for v in row] for row in values]
    flat = t.grad.tolist()
    assert grads == [pytest.approx(row if record.classes else [row], rel=1e-12, abs=1e-15)
                     for row in flat]
