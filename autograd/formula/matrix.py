"""Matrices of engine Values, for the layer formulas (δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])).

Just what those formulas use: element-wise operations with NumPy's broadcasting
of a column (b^[l], n_l × 1) or a row across a matrix, the matrix product, the
transpose and sums over the columns (the samples).  A shape that does not fit
is a :class:`ShapeError` naming both operands and their shapes.
"""

from ..value import Value
from .limits import FormulaError


class ShapeError(FormulaError):
    """Two operands whose shapes do not fit the operation (a wrong formula, not an
    unreadable one); ``shapes`` is (the operation, one shape, the other)."""

    def __init__(self, message, shapes):
        super().__init__(message)
        self.shapes = shapes


class Matrix:
    """A rectangular list of rows of Values; ``shape`` is (rows, columns)."""

    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = [list(row) for row in rows]

    @classmethod
    def of_numbers(cls, rows, name="a matrix"):
        """A Matrix of constant Values from rows of numbers (all of one length); a
        FormulaError naming ``name`` otherwise."""
        rows = rows if isinstance(rows, (list, tuple)) else None
        if not rows or not all(isinstance(r, (list, tuple)) and r and len(r) == len(rows[0])
                               for r in rows):
            raise FormulaError(f"{name} must be a list of equal rows of numbers", "values")
        return cls([[Value(float(x)) for x in row] for row in rows])

    @property
    def shape(self):
        """(rows, columns)."""
        return len(self.rows), len(self.rows[0])

    @property
    def size(self):
        """The number of entries."""
        n, m = self.shape
        return n * m

    def map(self, fn):
        """fn applied to every entry."""
        return Matrix([[fn(x) for x in row] for row in self.rows])

    def transpose(self):
        """Aᵀ."""
        return Matrix(map(list, zip(*self.rows)))

    def data(self):
        """The numbers, as a list of rows of floats."""
        return [[x.data for x in row] for row in self.rows]

    def __repr__(self):
        return f"Matrix({self.data()!r})"


def shape_text(shape):
    """``3×2``."""
    return f"{shape[0]}×{shape[1]}"


def _broadcast(shape_a, shape_b):
    """The shape two operands broadcast to, or None."""
    out = []
    for p, q in zip(shape_a, shape_b):
        if p != q and 1 not in (p, q):
            return None
        out.append(max(p, q))
    return tuple(out)


def combine(a, b, fn, describe):
    """fn applied element by element to a and b (Values or Matrices), with NumPy's
    broadcasting; ``describe()`` returns (text of a, text of b, operation) for an error."""
    if not isinstance(a, Matrix) and not isinstance(b, Matrix):
        return fn(a, b)
    if not isinstance(a, Matrix):
        return b.map(lambda y: fn(a, y))
    if not isinstance(b, Matrix):
        return a.map(lambda x: fn(x, b))
    shape = _broadcast(a.shape, b.shape)
    if shape is None:
        left, right, operation = describe()
        raise ShapeError(f"cannot {operation} {left} ({shape_text(a.shape)}) and {right} "
                         f"({shape_text(b.shape)}) element by element",
                         (operation, a.shape, b.shape))
    (n_a, m_a), (n_b, m_b) = a.shape, b.shape
    return Matrix([[fn(a.rows[i if n_a > 1 else 0][j if m_a > 1 else 0],
                       b.rows[i if n_b > 1 else 0][j if m_b > 1 else 0])
                    for j in range(shape[1])] for i in range(shape[0])])


def matmul(a, b, describe):
    """The matrix product a b; a ShapeError when a's columns are not b's rows."""
    (n, k), (k2, m) = a.shape, b.shape
    if k != k2:
        left, right, _ = describe()
        raise ShapeError(f"cannot multiply {left} ({shape_text(a.shape)}) by {right} "
                         f"({shape_text(b.shape)}): {left} has {_count(k, 'column')}, {right} "
                         f"{_count(k2, 'row')}", ("multiply", a.shape, b.shape))
    columns = b.transpose().rows
    return Matrix([[_dot(row, col) for col in columns] for row in a.rows])


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _dot(row, col):
    total = row[0] * col[0]
    for x, y in zip(row[1:], col[1:]):
        total = total + x * y
    return total


def sum_columns(a, mean=False):
    """Σ over the columns (the samples) of each row, as a column; the mean with ``mean``."""
    rows = []
    for row in a.rows:
        total = row[0]
        for x in row[1:]:
            total = total + x
        rows.append([total / len(row) if mean else total])
    return Matrix(rows)
