"""A small, safe expression language for cohort rules, compiled to Ibis (never `eval`).

The text is parsed with Python's `ast` parser (a parser only: nothing is executed) and every node
is checked against a short whitelist before it becomes an Ibis expression:

- columns of the register by name, e.g. `age`, `lives_alone`, `efi_category`;
- numbers, "quoted text", `true`/`false`, lists of literals for `in`;
- comparisons `== != < <= > >=` (chained, e.g. `42 <= hba1c_mmol_mol <= 47`), `in`, `not in`;
- `and`, `or`, `not`; arithmetic `+ - * /`;
- functions: `count(flag, ...)` (how many are true), `min(a, b, ...)`, `max(a, b, ...)`,
  `ln(x)`, `exp(x)`, `between(x, low, high)` (inclusive), `is_blank(x)`,
  `coalesce(x, default)`.

A flag used as a number counts 1 when true. Blank (null) values make a condition false.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir


class ExpressionError(ValueError):
    """An expression that is not valid; the message says what and where."""


FUNCTIONS = ("count", "min", "max", "ln", "exp", "between", "is_blank", "coalesce")
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_SYMBOLS = {
    ast.Pow: "**",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Invert: "~",
}
MAX_LENGTH = 2000


def _is_bool(value: Any) -> bool:
    return isinstance(value, ir.Value) and value.type().is_boolean()


def _is_numeric(value: Any) -> bool:
    if isinstance(value, ir.Value):
        return bool(value.type().is_numeric())
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Compiler:
    def __init__(self, columns: Mapping[str, ir.Value], text: str) -> None:
        self.columns = columns
        self.text = text

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError:
        where = (
            f" (at column {node.col_offset + 1})"
            if node is not None and hasattr(node, "col_offset")
            else ""
        )
        return ExpressionError(f"{message}{where} in `{self.text}`")

    def number(self, node: ast.AST) -> Any:
        value = self.visit(node)
        if _is_bool(value):
            return ibis.ifelse(value, 1, 0)
        if isinstance(value, bool):
            return int(value)
        if not _is_numeric(value):
            raise self.fail(node, "expected a number here")
        return value

    def condition(self, node: ast.AST) -> ir.BooleanValue:
        value = self.visit(node)
        if isinstance(value, bool):
            return ibis.literal(value)
        if not _is_bool(value):
            raise self.fail(node, "expected a true/false condition here")
        return value

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bool, int, float, str)):
                return node.value
            raise self.fail(node, f"unsupported literal {node.value!r}")
        if isinstance(node, ast.Name):
            if node.id in ("true", "True"):
                return True
            if node.id in ("false", "False"):
                return False
            if node.id not in self.columns:
                close = difflib.get_close_matches(node.id, list(self.columns), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise self.fail(node, f"unknown column {node.id!r}{hint}")
            return self.columns[node.id]
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(value) for value in node.values]
            result = parts[0]
            for part in parts[1:]:
                result = (result & part) if isinstance(node.op, ast.And) else (result | part)
            return result
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return ~self.condition(node.operand)
            if isinstance(node.op, ast.USub):
                return -self.number(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.number(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            left, right = self.number(node.left), self.number(node.right)
            if isinstance(node.op, ast.Div) and not isinstance(right, ir.Value) and right == 0:
                raise self.fail(node, "division by zero")
            return _ARITHMETIC[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            raise self.fail(node, "a list is only allowed after `in`")
        op = getattr(node, "op", None)
        symbol = _SYMBOLS.get(type(op), "") if op is not None else ""
        name = f"operator {symbol!r}" if symbol else f"{type(node).__name__} expressions"
        raise self.fail(node, f"{name} are not allowed" if not symbol else f"{name} is not allowed")

    def literals(self, node: ast.AST) -> list[Any]:
        if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
            raise self.fail(node, '`in` needs a list of values, e.g. ["moderate", "severe"]')
        values = []
        for item in node.elts:
            if not isinstance(item, ast.Constant) or not isinstance(item.value, (int, float, str)):
                raise self.fail(item, "a list after `in` may hold only numbers and quoted text")
            values.append(item.value)
        return values

    def compare(self, node: ast.Compare) -> ir.BooleanValue:
        result: ir.BooleanValue | None = None
        left_node = node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            left = self.visit(left_node)
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(left, ir.Value):
                    raise self.fail(node, "the left of `in` must be a column or expression")
                values = self.literals(right_node)
                self.check_types(node, left, values[0])
                part = left.isin(values)
                part = ~part if isinstance(op, ast.NotIn) else part
            elif type(op) in _COMPARE:
                right = self.visit(right_node)
                if not isinstance(left, ir.Value) and not isinstance(right, ir.Value):
                    raise self.fail(node, "a comparison needs a column on one side")
                self.check_types(node, left, right)
                part = _COMPARE[type(op)](left, right)
            else:
                raise self.fail(
                    node, f"operator {_SYMBOLS.get(type(op), type(op).__name__)!r} is not allowed"
                )
            result = part if result is None else (result & part)
            left_node = right_node
        assert result is not None
        return result

    def check_types(self, node: ast.AST, left: Any, right: Any) -> None:
        def kind(value: Any) -> str:
            if isinstance(value, ir.Value):
                dtype = value.type()
                if dtype.is_string():
                    return "text"
                if dtype.is_boolean():
                    return "flag"
                return "number"
            if isinstance(value, bool):
                return "flag"
            if isinstance(value, str):
                return "text"
            return "number"

        a, b = kind(left), kind(right)
        if a != b:
            raise self.fail(node, f"cannot compare {a} with {b}")

    def call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise self.fail(node, f"unknown function {name!r} (known: {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise self.fail(node, "functions take no named arguments")
        name, args = node.func.id, node.args
        arity = {"ln": 1, "exp": 1, "is_blank": 1, "between": 3, "coalesce": 2}
        if name in arity and len(args) != arity[name]:
            raise self.fail(node, f"{name}() takes {arity[name]} argument(s), not {len(args)}")
        if name in ("count", "min", "max") and not args:
            raise self.fail(node, f"{name}() needs at least one argument")
        if name == "count":
            total: Any = 0
            for arg in args:
                total = total + ibis.ifelse(self.condition(arg).fill_null(False), 1, 0)
            return total
        if name in ("min", "max"):
            values = [self.number(arg) for arg in args]
            if len(values) == 1:
                return values[0]
            if not any(isinstance(v, ir.Value) for v in values):
                return min(values) if name == "min" else max(values)
            function = ibis.least if name == "min" else ibis.greatest
            return function(*values)
        if name == "ln":
            return _as_value(self.number(args[0])).ln()
        if name == "exp":
            return _as_value(self.number(args[0])).exp()
        if name == "between":
            value = self.number(args[0])
            low, high = self.number(args[1]), self.number(args[2])
            return (_as_value(value) >= low) & (_as_value(value) <= high)
        if name == "is_blank":
            value = self.visit(args[0])
            if not isinstance(value, ir.Value):
                raise self.fail(node, "is_blank() needs a column")
            return value.isnull()
        # coalesce
        value = self.visit(args[0])
        default = self.visit(args[1])
        if not isinstance(value, ir.Value):
            raise self.fail(node, "coalesce() needs a column first")
        self.check_types(node, value, default)
        return value.fill_null(default)


def _as_value(value: Any) -> ir.Value:
    return value if isinstance(value, ir.Value) else ibis.literal(value)


def _parse(text: Any) -> ast.expr:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"expected an expression (text), got {text!r}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"cannot parse `{text}`: {exc.msg} (at column {exc.offset})"
        ) from None
    return tree.body


def condition(text: Any, columns: Mapping[str, ir.Value]) -> ir.BooleanValue:
    """Compile a condition; blank values make it false."""
    node = _parse(text)
    compiler = _Compiler(columns, str(text).strip())
    return compiler.condition(node).fill_null(False)


def number(text: Any, columns: Mapping[str, ir.Value]) -> ir.NumericValue:
    """Compile a numeric expression (a flag counts 1 when true); blank values count 0."""
    node = _parse(text)
    compiler = _Compiler(columns, str(text).strip())
    value = _as_value(compiler.number(node))
    return value.cast("float64").fill_null(0.0)


def columns_of(table: ir.Table, extra: Sequence[str] = ()) -> dict[str, ir.Value]:
    names = dict.fromkeys([*table.columns, *extra])
    return {name: table[name] for name in names if name in table.columns}
