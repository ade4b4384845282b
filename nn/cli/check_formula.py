"""``backprop check-formula``: check a hand-derived formula against the engine.

::

    backprop check-formula "σ(z)(1−σ(z))" --of "sigmoid(z)" --wrt z
    backprop check-formula "yhat - y" --of "bce(sigmoid(z), y)" --wrt z
    backprop check-formula "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])"

With ``--of`` the formula is a derivative, compared with the engine's at random
and special points (:func:`autograd.check_formula`); without it, a layer formula
compared with the engine's numbers on random small networks
(:func:`nn.explain.formulas.check_layer_formula`).  Exit status 0 when it
agrees, 1 when it differs (the point, both values and the slip are printed), 2
when it cannot be read (one line).
"""

import argparse
import json

from autograd.formula import FormulaError, check_formula

from .options import CommandError, int_at_least
from ..explain.formulas import LOSS_OUTPUTS, check_layer_formula

__all__ = ["add_check_formula_parser", "run_check_formula"]

_EPILOG = """\
notation: ASCII (sigmoid(z)*(1-sigmoid(z)), ** or ^), Unicode (σ(z)(1−σ(z)), ŷ, z²,
·, ×, −, ⊙, Wᵀ) or LaTeX (\\sigma(z)\\left(1-\\sigma(z)\\right), \\frac{a}{b}, \\hat{y},
\\mathbb{1}[z>0]).  With --of the formula may use the expression's variables, ŷ or a
(its prediction or activation), f for its activation function, and --let names.

examples:
  backprop check-formula "σ(z)(1−σ(z))" --of "sigmoid(z)" --wrt z
  backprop check-formula "yhat - y" --of "bce(sigmoid(z), y)" --wrt z
  backprop check-formula "(1 - tanh(w*z + b)^2) * w" --of "tanh(w*z + b)" --wrt z
  backprop check-formula "u > 0" --of "relu(w*x + b)" --wrt b --let "u=w*x + b"
  backprop check-formula "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])"
  backprop check-formula "W2.T @ d2 * (z1 > 0)" --quantity "δ^[1]"
"""


def _assignment(text):
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"must be NAME=EXPRESSION, got {text!r}")
    return name.strip(), value.strip()


def _domain(text):
    name, sep, bounds = text.partition("=")
    low, colon, high = bounds.partition(":")
    try:
        if not (sep and colon and name.strip()):
            raise ValueError
        return name.strip(), (float(low), float(high))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be NAME=LOW:HIGH, e.g. x=0:5, got {text!r}") \
            from None


def add_check_formula_parser(commands):
    """Register ``check-formula`` on the ``backprop`` subcommands."""
    p = commands.add_parser(
        "check-formula", help="check a hand-derived formula against the engine's derivative",
        description="Compare a formula you derived by hand (σ′ = σ(1 − σ), δ = ŷ − y, "
                    "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])) with the engine, at random and "
                    "special points or on random networks, and name the classic slip that "
                    "reproduces a wrong one.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("formula", help="the formula, in quotes")
    p.add_argument("--of", metavar="EXPR",
                   help="the expression the formula differentiates, e.g. \"tanh(w*z + b)\"")
    p.add_argument("--wrt", metavar="NAME", help="the variable it differentiates with respect to")
    p.add_argument("--let", type=_assignment, action="append", default=[],
                   metavar="NAME=EXPR", help="a name the formula uses, e.g. --let \"u=w*z + b\"")
    p.add_argument("--f", metavar="FUNCTION", dest="f",
                   help="the function f (and f′) stands for, e.g. --f tanh")
    p.add_argument("--domain", type=_domain, action="append", default=[],
                   metavar="NAME=LOW:HIGH", help="where a variable's random values come from")
    p.add_argument("--points", type=int_at_least(1), default=20, metavar="N",
                   help="random points to compare at (default 20; the special points too)")
    p.add_argument("--quantity", metavar="Q",
                   help="without --of: the quantity a layer formula gives, e.g. \"δ^[1]\" "
                        "(or start the formula with it: \"δ^[1] = …\")")
    p.add_argument("--activation", metavar="NAME",
                   help="without --of: the hidden layers' activation (default: what the formula "
                        "implies, else sigmoid, tanh and relu in turn)")
    p.add_argument("--loss", choices=list(LOSS_OUTPUTS), default="bce",
                   help="without --of: the networks' loss (default bce, sigmoid output)")
    p.add_argument("--seed", type=int, default=0, help="draws the points or networks (default 0)")
    p.add_argument("--table", action="store_true", help="also print every compared point")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default) or json (the verdict as a grader records it)")
    p.set_defaults(run=run_check_formula)


def run_check_formula(args):
    """Check the formula; print the verdict; exit status 0 if it agrees, 1 if not."""
    if args.of is None and (args.wrt or args.let or args.f or args.domain):
        raise CommandError("--wrt, --let, --f and --domain go with --of (the expression "
                           "the formula differentiates)")
    if args.of is not None and not args.wrt:
        raise CommandError("--of needs --wrt: the variable to differentiate with respect to")
    try:
        if args.of is not None:
            verdict = check_formula(args.formula, of=args.of, wrt=args.wrt, let=dict(args.let),
                                    functions={"f": args.f} if args.f else None,
                                    domains=dict(args.domain), points=args.points,
                                    seed=args.seed)
        else:
            verdict = check_layer_formula(args.formula, args.quantity,
                                          activation=args.activation, loss=args.loss,
                                          seed=args.seed)
    except (FormulaError, ValueError) as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(verdict.report(table=args.table))
    return 0 if verdict else 1
