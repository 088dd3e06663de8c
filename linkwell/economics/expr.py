"""A small, safe expression language for economic model formulas (never `eval`).

Formulas are parsed with `ast` in "eval" mode and walked here; anything not listed is refused
when the model is *loaded*, so a bad definition fails loudly before anyone runs it:

- numbers (evaluated as `Decimal`, so money adds up exactly: 284 * 2000 == 568000);
- names of inputs and of earlier formulas;
- `+ - * /`, unary `+ -`, parentheses;
- comparisons `< <= > >= == !=` (1 when true, 0 when false; chains allowed), for checks;
- `min(a, b, ...)`, `max(a, b, ...)`, `round(x)` / `round(x, places)` (half away from zero:
  284.5 -> 285, unlike Python's round-half-even), `floor(x)`, `ceil(x)`.

No attributes, subscripts, strings, lambdas, comprehensions, keyword arguments or other calls.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal

CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)


class ExpressionError(ValueError):
    """A formula that is not allowed, or that cannot be evaluated (e.g. division by zero)."""


def _round(value: Decimal, places: Decimal | None = None) -> Decimal:
    digits = 0 if places is None else int(places)
    if places is not None and places != digits:
        raise ExpressionError("round(): the number of places must be a whole number")
    quantum = Decimal(1).scaleb(-digits)
    return value.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=CONTEXT)


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=decimal.ROUND_FLOOR)


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=decimal.ROUND_CEILING)


FUNCTIONS: dict[str, tuple[Callable[..., Decimal], int, int | None]] = {
    # name: (function, min args, max args or None for any)
    "min": (lambda *a: min(a), 1, None),
    "max": (lambda *a: max(a), 1, None),
    "round": (_round, 1, 2),
    "floor": (_floor, 1, 1),
    "ceil": (_ceil, 1, 1),
}

_BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: lambda a, b: CONTEXT.add(a, b),
    ast.Sub: lambda a, b: CONTEXT.subtract(a, b),
    ast.Mult: lambda a, b: CONTEXT.multiply(a, b),
    ast.Div: lambda a, b: CONTEXT.divide(a, b),
}
_COMPARE: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


class Expression:
    """A parsed, checked formula. `names` are the variables it reads."""

    def __init__(self, source: str) -> None:
        if not isinstance(source, str) or not source.strip():
            raise ExpressionError("A formula must be a non-empty string.")
        self.source = source
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"{source!r} is not a valid formula: {exc.msg}") from None
        self._tree = tree.body
        self.names: set[str] = set()
        self._check(self._tree)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def _check(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExpressionError(f"{self.source!r}: only numbers are allowed as constants")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{self.source!r}: {node.id} must be called")
            self.names.add(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ExpressionError(
                    f"{self.source!r}: operator {type(node.op).__name__} is not allowed "
                    "(use + - * /)"
                )
            self._check(node.left)
            self._check(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.UAdd | ast.USub):
                raise ExpressionError(f"{self.source!r}: only unary + and - are allowed")
            self._check(node.operand)
        elif isinstance(node, ast.Compare):
            if any(type(op) not in _COMPARE for op in node.ops):
                raise ExpressionError(f"{self.source!r}: that comparison is not allowed")
            self._check(node.left)
            for comparator in node.comparators:
                self._check(comparator)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExpressionError(
                    f"{self.source!r}: only {', '.join(sorted(FUNCTIONS))} may be called"
                )
            if node.keywords:
                raise ExpressionError(f"{self.source!r}: keyword arguments are not allowed")
            _, low, high = FUNCTIONS[node.func.id]
            count = len(node.args)
            if count < low or (high is not None and count > high):
                raise ExpressionError(
                    f"{self.source!r}: {node.func.id}() takes "
                    + (f"{low} to {high}" if high != low else str(low))
                    + f" argument(s), not {count}"
                )
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    raise ExpressionError(f"{self.source!r}: * arguments are not allowed")
                self._check(arg)
        else:
            raise ExpressionError(
                f"{self.source!r}: {type(node).__name__} is not allowed in a formula"
            )

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        missing = sorted(self.names - values.keys())
        if missing:
            raise ExpressionError(f"{self.source!r}: unknown name(s) {', '.join(missing)}")
        try:
            return self._eval(self._tree, values)
        except decimal.DivisionByZero:
            raise ExpressionError(f"{self.source!r}: division by zero") from None
        except decimal.InvalidOperation:
            raise ExpressionError(f"{self.source!r}: the result is undefined (0 / 0?)") from None

    def _eval(self, node: ast.AST, values: Mapping[str, Decimal]) -> Decimal:
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.BinOp):
            left = self._eval(node.left, values)
            right = self._eval(node.right, values)
            if isinstance(node.op, ast.Div) and right == 0:
                raise decimal.DivisionByZero
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, values)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare):
            left = self._eval(node.left, values)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self._eval(comparator, values)
                if not _COMPARE[type(op)](left, right):
                    return Decimal(0)
                left = right
            return Decimal(1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = FUNCTIONS[node.func.id][0]
            return function(*(self._eval(arg, values) for arg in node.args))
        raise ExpressionError(f"{self.source!r}: cannot evaluate {type(node).__name__}")
