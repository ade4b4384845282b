"""The micrograd lecture's code, run with only the imports swapped.

Andrej Karpathy's lecture ("The spelled-out intro to neural networks and
backpropagation: building micrograd") builds a small expression, draws it with
its own ``draw_dot`` (a ``graphviz.Digraph``) and renders it with
``dot.render('gout')``; then a tanh neuron, then an MLP trained by hand.  These
tests run that code against backproplab: the lecture's own ``trace()`` and
``draw_dot()`` over ``_prev`` and ``_op``, its backward pass by hand (a
topological sort, then ``_backward()`` node by node), and micrograd's
trace_graph notebook after ``random.seed(1337)``, side by side with micrograd.
"""

import math
import shutil

import graphviz
import pytest

from autograd import Value, draw_dot
from lecture import backward_by_hand, hand_written_draw_dot, trace
from nn import MLP


@pytest.fixture
def bundled_graphviz(monkeypatch):
    """No system Graphviz: rendering must go through pygraphviz's bundled copy."""
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)


def lecture_expression():
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    c = Value(10.0, label='c')
    e = a*b; e.label = 'e'
    d = e + c; d.label = 'd'
    f = Value(-2.0, label='f')
    L = d * f; L.label = 'L'
    return a, b, c, d, e, f, L


def test_draw_dot_render_gout_and_source(bundled_graphviz, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    *_, L = lecture_expression()
    dot = draw_dot(L)
    assert isinstance(dot, graphviz.Digraph)
    assert dot.render('gout') == 'gout.svg'  # the lecture's call: no extension
    assert (tmp_path / 'gout').read_text(encoding='utf-8') == dot.source
    svg = (tmp_path / 'gout.svg').read_text(encoding='utf-8')
    assert svg.lstrip().startswith('<?xml') and '<svg' in svg
    for text in ('L', 'data 4.0000', '×', '+'):  # d = 4
        assert f'>{text}<' in svg
    assert dot.source.startswith('digraph computation {')


def test_micrograd_signature_format_and_rankdir(bundled_graphviz):
    *_, L = lecture_expression()
    dot = draw_dot(L, format='png', rankdir='TB')
    assert dot.format == 'png' and 'rankdir=TB' in dot.source
    assert dot.pipe()[:8] == b'\x89PNG\r\n\x1a\n'


def test_lecture_gradients_by_hand_show_in_the_picture():
    a, b, c, d, e, f, L = lecture_expression()
    L.backward()
    # dL/dd = f = -2, dL/df = d = 4, dL/dc = dL/de = -2, dL/da = -2·b = 6, dL/db = -2·a = -4
    assert [v.grad for v in (a, b, c, d, e, f)] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0]
    source = draw_dot(L).source
    for name, grad in (('a', '6.0000'), ('b', '-4.0000'), ('f', '4.0000'), ('L', '1.0000')):
        assert f'{{ {name} | data ' in source and f'grad {grad} }}' in source


def test_lecture_tanh_neuron():
    x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')
    w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    x1w1 = x1*w1; x1w1.label = 'x1*w1'
    x2w2 = x2*w2; x2w2.label = 'x2*w2'
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
    n = x1w1x2w2 + b; n.label = 'n'
    o = n.tanh(); o.label = 'o'
    o.backward()
    # o = tanh(0.8814) = 1/√2, do/dn = 1 − o² = 0.5
    assert o.data == pytest.approx(1 / math.sqrt(2))
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))
    assert 'label="{ o | data 0.7071 | grad 1.0000 }"' in draw_dot(o).source


def test_lecture_mlp_trains_with_the_tanh_keyword():
    n = MLP(3, [4, 4, 1], activations="tanh", seed=1337)  # the lecture's Neuron is tanh
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for k in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.1 < losses[0]
    assert all(-1 < y.data < 1 for y in ypred)  # tanh output layer


def test_wrong_input_length_is_an_error_not_a_truncation():
    n = MLP(3, [4, 4, 1], activations="tanh", seed=0)
    with pytest.raises(ValueError, match="MLP expects 3 inputs.*got 2"):
        n([1.0, 2.0])  # micrograd's zip() would silently use two of three weights


def test_backward_twice_accumulates_cleanly():
    a, b, c, d, e, f, L = lecture_expression()
    L.backward()
    once = [v.grad for v in (a, b, c, d, e, f)]
    L.backward()  # micrograd re-sends the intermediate nodes' accumulated grads as well
    assert [v.grad for v in (a, b, c, d, e, f)] == [2 * g for g in once]


def test_lecture_trace_and_hand_written_draw_dot():
    *_, L = lecture_expression()
    nodes, edges = trace(L)
    assert len(nodes) == 7 and len(edges) == 6
    assert sorted(n._op for n in nodes) == ['', '', '', '', '*', '*', '+']
    source = hand_written_draw_dot(L).source
    assert source.count('shape=record') == 7 and source.count('->') == 6 + 3


def lecture_neuron(value, squash):
    x1, x2 = value(2.0), value(0.0)
    w1, w2 = value(-3.0), value(1.0)
    b = value(6.8813735870195432)
    n = x1*w1 + x2*w2 + b
    return squash(n), (x1, w1, x2, w2, b)


def test_lecture_backward_by_hand_in_topological_order():
    def tanh_written_out(n):   # the lecture's o = (e − 1)/(e + 1) with e = exp(2n)
        e = (2*n).exp()
        return (e - 1) / (e + 1)

    o, leaves = lecture_neuron(Value, tanh_written_out)
    backward_by_hand(o)
    # do/dn = 1 − o² = 0.5, so dx1 = w1·0.5, dw1 = x1·0.5, …
    assert [v.grad for v in leaves] == pytest.approx([-1.5, 1.0, 0.5, 0.0, 0.5])


def test_backward_by_hand_gives_micrograds_numbers():
    from micrograd.engine import Value as MicrogradValue

    def squash(n):   # only operators micrograd 0.1.0 has: + − * / ** relu
        return (n**2 - 1) / (n + 4) + (n * -0.5).relu() + n.relu()

    grads = []
    for value in (Value, MicrogradValue):
        o, leaves = lecture_neuron(value, squash)
        backward_by_hand(o)
        grads.append([v.grad for v in leaves])
    assert grads[0] == pytest.approx(grads[1], rel=1e-12)


def test_trace_graph_notebook_numbers_after_random_seed():
    """micrograd's trace_graph notebook: random.seed(1337), Neuron(2), then the picture."""
    import random

    from micrograd import nn as micrograd_nn
    from micrograd.engine import Value as MicrogradValue

    from nn import Neuron

    random.seed(1337)
    theirs = micrograd_nn.Neuron(2)
    y_theirs = theirs([MicrogradValue(1.0), MicrogradValue(-2.0)])
    y_theirs.backward()
    random.seed(1337)
    ours = Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = ours(x)
    y.backward()
    assert [w.data for w in ours.w] + [ours.b.data] == \
        [w.data for w in theirs.w] + [theirs.b.data]
    assert y.data == y_theirs.data
    assert [w.grad for w in ours.w] == [w.grad for w in theirs.w]
    assert 'grad' in draw_dot(y).source
