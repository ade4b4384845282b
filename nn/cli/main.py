"""The ``backprop`` command: explain one step of backpropagation, check hand derivations,
make and grade exercises, train a small MLP.

::

    backprop explain                  the lecture notes' 2-2-2-1 walkthrough, layer by layer
    backprop explain --network FILE   any small network (JSON, see nn.explain.network_file)
    backprop examples                 the example networks and the documents they come from
    backprop                          every command, read from the parser (command_names)

``backprop --help`` describes each command and ``backprop COMMAND --help`` its options,
with examples.  ``python -m nn`` runs the same command.  Exit status: 0 on success; 1 when
``explain --check`` finds hand-derived numbers that differ from the library's;
2 on bad input, with one line on stderr, ``backprop: error: …``, naming the
problem and where it is (file, layer, row, option), also when a run diverges
("the loss became nan at step 3; try a smaller learning rate") or an input asks
for more than a limit of :mod:`nn.limits` (``--allow-large`` goes past it);
130 on Ctrl-C, with one line and no partial file.  ``--help`` on each command
lists every option with examples.
"""

import argparse
import inspect
import json
import os
import sys
import textwrap
from importlib import metadata, resources
from pathlib import Path

from autograd.errors import NumericalError
from autograd.viz import PictureTooLargeError, RendererNotFoundError, RenderError, draw_dot
from autograd.viz.draw import AUTO_COLLAPSE_VALUES

from .options import (PICTURE_FORMATS, PROG, CommandError, Parser, digits,
                          int_at_least, non_negative_float, output_path, positive_float,
                          report_written)
from .engine import add_engine_option, chosen_engine
from .train import add_train_parser
from .exercise import add_exercise_parser
from .grade import add_grade_parser
from .check_formula import add_check_formula_parser
from .gradescope import add_gradescope_parser
from .check_answers import add_check_answers_parser
from .prairielearn import add_prairielearn_parser
from ..viz.diagram import draw_network
from ..explain.check import HandFileError, compare
from ..explain.example_files import documents, examples
from ..explain.render import FORMATS, render
from ..explain.steps import ExplainError, ExplainRequest, explain_network
from ..losses import LOSSES
from ..explain.network_file import NetworkFileError, network_from_dict
from .._checks import one_line
from ..jsonfile import read_json
from ..limits import MAX_EXPLAIN_STEPS, MAX_JSON_BYTES, TooLargeError

DEFAULT_NETWORK = "lecture_2221"

# The tolerances of nn.explain.check.compare, whose docstring says why they suit
# hand-rounded numbers; read from its signature so the two never drift apart.
_COMPARE_DEFAULTS = inspect.signature(compare).parameters
DEFAULT_RTOL = _COMPARE_DEFAULTS["rtol"].default
DEFAULT_ATOL = _COMPARE_DEFAULTS["atol"].default


# --- example files shipped in nn/examples -----------------------------------------------

def _locate(value, what):
    """(display name, readable path) for a file path or a bare example name of kind ``what``.

    An existing file wins; otherwise a name without a directory part (with or
    without ``.json``) names a shipped example."""
    if not value:
        raise CommandError(f"the {what} file name is empty; give a file or an example name")
    path = Path(value)
    if path.exists() and not path.is_dir():   # a regular file, a pipe, /dev/stdin
        return value, path
    if path.is_dir():
        raise CommandError(f"{value}: is a directory, not a {what} file")
    found = examples(what)
    name = path.name[:-len(".json")] if path.name.endswith(".json") else path.name
    if path.parent == Path(".") and name in found:
        return f"example {name}", found[name][0]
    raise CommandError(f"{value}: no such {what} file, and no {what} example of that name "
                       f"(examples: {', '.join(found)}; see `{PROG} examples`)")


def _read_json(value, what, allow_large=False):
    """(display name, parsed JSON) of a file path or an example name; one-line errors."""
    shown, path = _locate(value, what)
    with resources.as_file(path) as real_path:
        return shown, read_json(real_path, f"{what} file", CommandError,
                                max_bytes=None if allow_large else MAX_JSON_BYTES,
                                override="--allow-large")


def _first_sentence(text, width=96, indent="      "):
    sentence = text.split(". ")[0].rstrip(".") + "."
    return _paragraph(sentence, width, indent)


def _paragraph(text, width=96, indent="      "):
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def list_examples(out=None):
    """Print what the documents the examples come from are, then the shipped example
    networks and hand-derived files, with their descriptions."""
    out = out or sys.stdout
    print("The examples come from two documents, which do not ship with backproplab:", file=out)
    for document in documents():
        print(f"  {document['name']} (“{document['title']}”)", file=out)
        print(_paragraph(document["what"]), file=out)
        print(_paragraph(f"examples: {', '.join(document['examples'])}"), file=out)
    print(file=out)
    networks = examples("network")
    # The default first: it is what `backprop explain` runs.
    order = [DEFAULT_NETWORK] + [name for name in networks if name != DEFAULT_NETWORK]
    print("Example networks (backprop explain --network NAME):", file=out)
    for name in order:
        document = networks[name][1]
        model, X, _, loss, lr = network_from_dict(document, source=name)
        sizes = "-".join(str(n) for n in model.sizes)
        default = ", the default" if name == DEFAULT_NETWORK else ""
        samples = "1 sample" if len(X) == 1 else f"{len(X)} samples"
        print(f"  {name}  ({sizes}, {'/'.join(model.activations)}, loss {loss}, {samples}, "
              f"lr {lr if lr is not None else 'none'}{default})", file=out)
        print(_first_sentence(document.get("description", "")), file=out)
    print("\nHand-derived files to grade (backprop explain --network NETWORK --check NAME):",
          file=out)
    for name, (_, document) in examples("hand-derived").items():
        print(f"  {name}", file=out)
        print(_first_sentence(document.get("description", "")), file=out)


# --- explain ------------------------------------------------------------------------------

GRAPHVIZ_HINT = ("it needs Graphviz to lay out pictures: pip install pygraphviz (its wheels "
                 "bundle Graphviz; backproplab's 'plots' extra has it) or install the system "
                 "package graphviz")


def _write_picture(picture, path, what, smaller):
    try:
        picture.render(path)
    except PictureTooLargeError:
        raise CommandError(f"cannot draw the {what} {path}: it has too many boxes to lay out "
                           f"legibly; {smaller}") from None
    except RendererNotFoundError:
        raise CommandError(f"cannot draw the {what} {path}: {GRAPHVIZ_HINT}") from None
    except RenderError as e:
        raise CommandError(f"cannot draw the {what} {path}: {e}") from None
    except OSError as e:
        raise CommandError(f"cannot write the {what} {path}: {e.strerror or e}") from None
    report_written(what, path)


def _collapse(choice):
    # "auto" is draw_dot's own rule: every value up to AUTO_COLLAPSE_VALUES, else grouped.
    return None if choice == "none" else choice


def _loss_summary(derivations, digits, format):
    losses = [d.loss for d in derivations]
    shown = " → ".join(f"{loss:.{digits}g}" for loss in losses)
    falling = all(b < a for a, b in zip(losses, losses[1:]))
    trend = "falling at every step" if falling else "not falling at every step"
    line = f"Loss per step: {shown} ({trend})"
    if format == "markdown":
        return f"**{line}**\n"
    if format == "latex":
        return f"% {line}\n"
    return line + "\n"


def _render_steps(derivations, format, digits):
    if format == "json":
        documents = [json.loads(render(d, "json", digits)) for d in derivations]
        document = documents[0] if len(documents) == 1 else documents
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    parts = [render(d, format, digits) for d in derivations]
    if len(derivations) == 1:
        return parts[0]
    separator = {"text": "\n" + "=" * 72 + "\n\n", "markdown": "\n---\n\n", "latex": "\n"}
    summary = _loss_summary(derivations, digits or 6, format)
    return separator[format].join(parts) + "\n" + summary


def _write_pictures(args, result):
    if args.graph:
        loss_node, predictions = result.loss_graph()
        picture = draw_dot(loss_node, collapse=_collapse(args.collapse),
                           title=f"{result.source}: loss {result.loss}, step 1",
                           side_outputs=predictions)
        _write_picture(picture, args.graph, "computation graph",
                       "draw it one box per layer (--collapse layer) or with fewer samples")
    if args.diagram:
        _write_picture(draw_network(result.model, x=result.X[0]), args.diagram,
                       "network diagram", "explain a smaller network")
    if args.html:
        _write_page(args.html, result)


def _write_page(path, result):
    from ..viz.explorer.network import network_script  # the explorer only when asked for
    from ..viz.explorer.page import save_page

    try:
        save_page(network_script(result.model, result.X, result.Y, loss=result.loss,
                                 lr=result.lr, title=f"{result.source}: loss {result.loss}"),
                  path)
    except RendererNotFoundError:   # the page shows the network diagram
        raise CommandError(f"cannot write the step-by-step page {path}: "
                           f"{GRAPHVIZ_HINT}") from None
    except (ValueError, RenderError) as e:  # a graph too large to step through or draw
        raise CommandError(f"cannot write the step-by-step page {path}: {e}") from None
    except OSError as e:
        raise CommandError(f"cannot write the step-by-step page {path}: "
                           f"{e.strerror or e}") from None
    report_written("step-by-step page", path)


def _explain_request(args):
    """The request ``backprop explain``'s arguments make (the files read, nothing
    computed)."""
    network = DEFAULT_NETWORK if args.network is None else args.network
    shown, spec = _read_json(network, "network", args.allow_large)
    hand, hand_shown = None, None
    if args.check:
        hand_shown, hand = _read_json(args.check, "hand-derived", args.allow_large)
    return ExplainRequest(
        network=spec, source=shown, loss=args.loss, lr=args.lr, steps=args.steps, hand=hand,
        hand_source=hand_shown, network_given=args.network is not None, rtol=args.rtol,
        atol=args.atol, engine=chosen_engine(args.engine, "scalar"),
        allow_large=args.allow_large, override="--allow-large", steps_name="--steps",
        loss_name="--loss")


def run_explain(args):
    """``backprop explain``: print the derivation (or check --check), write pictures."""
    request = _explain_request(args)
    # Everything that can fail on bad input runs before any file is written.
    result = explain_network(request)
    if request.hand is not None:
        text = "".join(f"{request.hand_source}, step {step}: {report}"
                       for step, report, _ in result.checks)
    else:
        text = _render_steps(result.derivations, args.format, args.digits)
        if args.format == "text":
            text = f"Network: {result.source}\n{text}"
    _write_pictures(args, result)
    print(text, end="")
    return result.status


# --- argument parsers -------------------------------------------------------------------

_EXPLAIN_EPILOG = f"""\
A network file is JSON: weights and biases in the lecture notes' layout (W^[l] is a list of
n_l rows of n_(l-1) numbers, row j = neuron j's incoming weights), activations,
inputs and targets (one sample or a list; a class index counts from 0), loss, and
optionally lr (without one there is no update, and the output says so).  A bare example
name (see `backprop examples`) may stand for a file.

--check grades a hand derivation: a JSON file in the layout `--format json`
prints (any subset of the entries; "step": k picks the iteration, default
--steps).  Each number passes when |library - hand| <= atol + rtol*|hand|; the
defaults rtol={DEFAULT_RTOL:g}, atol={DEFAULT_ATOL:g} accept numbers rounded to
three significant digits, and a hand 0 must be exactly 0.  Exit status 1 when
any entry differs (each is listed with both values), 0 when all agree.

--graph draws the computation graph of the loss for the network as given (step 1),
with every node's data and gradient; with --collapse auto (the default) a graph
of more than {AUTO_COLLAPSE_VALUES} values is drawn one box per neuron (per layer if that
is still too many).  --diagram draws
the network's neurons and weights with the activations of the first sample.

examples:
  backprop explain                                  the lecture notes' 2-2-2-1 walkthrough
  backprop explain --steps 2                        ... and the notes' second iteration
  backprop explain --network saturated_111          the saturated 1-1-1 sigmoid question
  backprop explain --network my_net.json --lr 0.5 --loss mse --digits 4
  backprop explain --format latex > step.tex
  backprop explain --format json > mine.json        edit it, then:
  backprop explain --check mine.json                grade it (exit 1 if any differ)
  backprop explain --check lecture_2221_hand         the notes' own rounded numbers
  backprop explain --graph graph.svg --diagram net.png
  backprop explain --html walkthrough.html          step through it in a browser
"""


def _sources():
    """The epilog's paragraph on the documents the examples come from, one line each."""
    lines = ["The examples come from two documents (`backprop examples` says more):"]
    for document in documents():
        lines.append(textwrap.fill(f"{document['name']}: {document['summary']}.", width=88,
                                   initial_indent="  ", subsequent_indent="    ",
                                   break_on_hyphens=False))
    return "\n".join(lines) + "\n\n"


def _add_explain(commands):
    p = commands.add_parser(
        "explain", help="explain one step of backpropagation, layer by layer",
        description="Forward pass (Z, A per layer), the loss, δ for every layer, ∂L/∂W and "
                    "∂L/∂b, and the updated parameters θ − α∂L/∂θ, in the lecture notes' notation.",
        epilog=_sources() + _EXPLAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--network", metavar="FILE",
                   help=f"network JSON file, saved model or example name (default: "
                        f"{DEFAULT_NETWORK}, the lecture notes' 2-2-2-1 walkthrough; with "
                        f"--check, the checked file's own network when it holds one)")
    p.add_argument("--lr", type=positive_float, metavar="ALPHA",
                   help="learning rate α, overriding the file's 'lr' (e.g. --lr 0.5)")
    p.add_argument("--loss", choices=list(LOSSES), metavar="NAME",
                   help=f"loss, overriding the file's 'loss': {', '.join(LOSSES)}")
    p.add_argument("--format", choices=list(FORMATS), default="text",
                   help="output format: text (default), markdown, latex or json")
    p.add_argument("--digits", type=digits, metavar="N",
                   help="significant digits shown (default 6; JSON: full precision)")
    p.add_argument("--steps", type=int_at_least(1), default=1, metavar="N",
                   help="show N successive gradient-descent steps and the loss per step "
                        "(default 1; e.g. --steps 2)")
    p.add_argument("--graph", type=output_path(PICTURE_FORMATS), metavar="FILE",
                   help="also write the computation graph of the loss (.svg or .png)")
    p.add_argument("--collapse", choices=("auto", "none", "neuron", "layer"), default="auto",
                   help="graph detail: one box per value (none), per neuron or per layer; "
                        f"auto = none up to {AUTO_COLLAPSE_VALUES} values, else neuron or layer")
    p.add_argument("--diagram", type=output_path(PICTURE_FORMATS), metavar="FILE",
                   help="also write the network diagram (.svg or .png)")
    p.add_argument("--html", type=output_path((".html",)), metavar="FILE",
                   help="also write a page that steps through the forward and backward pass "
                        "and the update, number by number (one offline .html file)")
    p.add_argument("--check", metavar="FILE",
                   help="grade a hand-derived JSON file against the library; prints each "
                        "differing entry, exit status 1 if any differ (e.g. --check mine.json)")
    p.add_argument("--rtol", type=non_negative_float, default=DEFAULT_RTOL,
                   help=f"relative tolerance of --check (default {DEFAULT_RTOL:g})")
    p.add_argument("--atol", type=non_negative_float, default=DEFAULT_ATOL,
                   help=f"absolute tolerance of --check (default {DEFAULT_ATOL:g})")
    p.add_argument("--list-examples", action="store_true",
                   help="list the example networks and exit (same as `backprop examples`)")
    p.add_argument("--allow-large", action="store_true",
                   help=f"go past the limits: --steps or a --check 'step' above "
                        f"{MAX_EXPLAIN_STEPS}, files above {MAX_JSON_BYTES // 2**20} MiB")
    add_engine_option(p, "scalar")
    p.set_defaults(run=run_explain)


def run_examples(args):
    """``backprop examples``: list the shipped example files."""
    list_examples()
    return 0


def _add_examples(commands):
    p = commands.add_parser(
        "examples", help="list the example networks and the documents they come from",
        description="List the example network files (usable as `--network NAME`) and the "
                    "hand-derived files (usable as `--check NAME`).",
        epilog="example:\n  backprop examples\n  backprop explain --network zero_init_111",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(run=run_examples)


def _version():
    try:
        return metadata.version("backproplab")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser():
    """The ``backprop`` argument parser with its subcommands."""
    parser = Parser(
        prog=PROG,
        description="Learn and check backpropagation: explain one step of a small network "
                    "layer by layer, check a hand derivation or a formula, make and grade a "
                    "class's exercises, or train an MLP.  Every command is listed below.",
        epilog="examples:\n  backprop explain\n  backprop explain --steps 2 --format markdown\n"
               "  backprop examples\n  backprop train --dataset moons --epochs 30\n\n"
               "Each command has its own --help, with examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--list-examples", action="store_true",
                        help="list the example networks and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    _add_explain(commands)
    _add_examples(commands)
    add_train_parser(commands)
    add_exercise_parser(commands)
    add_grade_parser(commands)
    add_check_formula_parser(commands)
    add_gradescope_parser(commands)
    add_check_answers_parser(commands)
    add_prairielearn_parser(commands)
    return parser


def command_names(parser):
    """Every subcommand registered on ``parser``, in the order ``--help`` lists them."""
    return [name for action in parser._actions
            if isinstance(action, argparse._SubParsersAction) for name in action.choices]


def main(argv=None):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.list_examples:
            return run_examples(args)
        if not hasattr(args, "run"):
            raise CommandError(f"choose a command: {', '.join(command_names(parser))} "
                               f"(see `{PROG} --help`)")
        return args.run(args)
    except (CommandError, NetworkFileError, HandFileError, ExplainError, NumericalError,
            TooLargeError) as e:
        print(f"{PROG}: error: {one_line(e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) left early: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Every file is written atomically, so an interrupted run leaves none half-written.
        print(f"{PROG}: interrupted", file=sys.stderr)
        return INTERRUPTED


INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl-C."""


def finish(status):
    """``status``, for the process to exit with; an interrupted run (:data:`INTERRUPTED`)
    ends here, at once, with that status."""
    if status != INTERRUPTED:
        return status
    # Python 3.11 ends a process whose Ctrl-C landed inside exec() of a string (dataclasses
    # build their methods so, on a lazy import) by SIGINT, status -2, although the command
    # caught it and said so.  Every file is written atomically: nothing is left to finish.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more can be said there
            pass
    os._exit(INTERRUPTED)
