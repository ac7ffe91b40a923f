"""The audience filter language: a hand-written tokenizer and recursive-descent parser, never eval.

Grammar (keywords are case-insensitive; positions are 1-based characters of the filter text):

    filter     := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | predicate
    predicate  := "(" or_expr ")"
                | operand ( cmp_op operand
                          | "is" ["not"] "null"
                          | ["not"] "in" "(" literal ("," literal)* ")" )?
    operand    := column | literal | percentile
    column     := name ["." name]                       e.g. churn_probability, customers.country
    percentile := pNN "(" column ")"                    NN in 1..99, e.g. p75(predicted_clv)
                | "percentile" "(" column "," number ")"  number in [0, 1]
    literal    := number | "-" number | 'string' | true | false
    cmp_op     := "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="

A bare operand is a predicate only when it is a boolean column (checked by the compiler). Anything
else (`;`, comment markers, double quotes, unknown functions, ...) is refused here, with its position,
so it can never reach SQL.
"""

import re
from dataclasses import dataclass
from typing import NoReturn

MAX_FILTER_LENGTH = 4000
MAX_NESTING = 40  # deeper parentheses are refused rather than exhausting Python's stack

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})
COMPARISON_OPS = ("=", "!=", "<>", "<", "<=", ">", ">=")
PERCENTILE_SHORTHAND = re.compile(r"p([1-9][0-9]?)", re.IGNORECASE)

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")
# characters people try in SQL or Python injections, with the reason each is refused
_REFUSED = {
    ";": "';' is not allowed: a filter is one expression and cannot chain statements",
    '"': "double quotes are not allowed: write strings in single quotes, columns without quotes",
    "`": "backticks are not allowed: write columns without quotes",
    "[": "brackets are not allowed",
    "]": "brackets are not allowed",
    "\\": "backslashes are not allowed",
    "#": "'#' is not allowed (comments are not part of the language)",
    "*": "'*' is not allowed (no arithmetic, no comments)",
    "/": "'/' is not allowed (no arithmetic, no comments)",
    "+": "'+' is not allowed (no arithmetic)",
    "|": "'|' is not allowed (use 'or')",
    "&": "'&' is not allowed (use 'and')",
    "{": "braces are not allowed",
    "}": "braces are not allowed",
    ":": "':' is not allowed",
    "$": "'$' is not allowed: values are written in the filter, never as parameters",
    "?": "'?' is not allowed: values are written in the filter, never as parameters",
}


class FilterError(ValueError):
    """A filter is not in the language or does not fit the columns; `position` is its 1-based character."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --- tokens ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # name, keyword, number, string, op, lparen, rparen, comma, dot, minus, end
    text: str  # the source text (for a string: its value, quotes removed and '' unescaped)
    position: int  # 1-based


def tokenize(text: str) -> list[Token]:
    """Split a filter into tokens, refusing every character the language does not use."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"the filter is longer than {MAX_FILTER_LENGTH} characters", 1)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char, pos = text[i], i + 1
        if space := _SPACE.match(text, i):
            i = space.end()
        elif text.startswith("--", i) or text.startswith("/*", i) or text.startswith("*/", i):
            raise FilterError(f"comment marker '{text[i : i + 2]}' is not allowed", pos)
        elif char == "'":
            value, i = _read_string(text, i)
            tokens.append(Token("string", value, pos))
        elif char.isdigit() or (char == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            number = _NUMBER.match(text, i)
            assert number is not None
            end = number.end()
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                raise FilterError(f"malformed number '{text[i : end + 1]}'", pos)
            tokens.append(Token("number", number.group(), pos))
            i = end
        elif name := _NAME.match(text, i):
            word = name.group()
            kind = "keyword" if word.lower() in KEYWORDS else "name"
            tokens.append(Token(kind, word.lower() if kind == "keyword" else word, pos))
            i = name.end()
        elif (op := text[i : i + 2]) in COMPARISON_OPS or (op := char) in COMPARISON_OPS:
            tokens.append(Token("op", op, pos))
            i += len(op)
        elif char in "(),.-":
            kind = {"(": "lparen", ")": "rparen", ",": "comma", ".": "dot", "-": "minus"}[char]
            tokens.append(Token(kind, char, pos))
            i += 1
        elif char == "!":
            raise FilterError("'!' is only allowed in '!='", pos)
        elif char in _REFUSED:
            raise FilterError(_REFUSED[char], pos)
        else:
            raise FilterError(f"unexpected character {char!r}", pos)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    """Read a single-quoted string starting at `start`; '' inside it is one quote."""
    parts: list[str] = []
    i = start + 1
    while i < len(text):
        if text[i] == "'":
            if text.startswith("''", i):
                parts.append("'")
                i += 2
                continue
            return "".join(parts), i + 1
        if text[i] in "\r\n\x00":
            break
        parts.append(text[i])
        i += 1
    raise FilterError("unterminated string (a quote opened here is never closed)", start + 1)


# --- syntax tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # as written, e.g. "churn_probability" or "customers.country"
    position: int


@dataclass(frozen=True)
class Literal:
    value: object  # int, float, str or bool
    position: int

    @property
    def kind(self) -> str:
        if isinstance(self.value, bool):
            return "boolean"
        return "string" if isinstance(self.value, str) else "number"


@dataclass(frozen=True)
class Percentile:
    column: Column
    fraction: float
    position: int


Operand = Column | Literal | Percentile


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Operand
    right: Operand
    position: int


@dataclass(frozen=True)
class InList:
    operand: Operand
    values: tuple[Literal, ...]
    negated: bool
    position: int


@dataclass(frozen=True)
class IsNull:
    operand: Operand
    negated: bool
    position: int


@dataclass(frozen=True)
class Truthy:
    """A bare operand used as a condition, e.g. `email_opt_in`; must be a boolean column."""

    operand: Operand
    position: int


@dataclass(frozen=True)
class Not:
    item: "Expression"
    position: int


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    items: tuple["Expression", ...]
    position: int


Expression = Comparison | InList | IsNull | Truthy | Not | BoolOp


# --- parser ---------------------------------------------------------------------------------------


def parse_filter(text: str) -> Expression:
    """Parse filter text into a syntax tree; raise FilterError with the position on any problem."""
    if not isinstance(text, str) or not text.strip():
        raise FilterError("the filter is empty", 1)
    return _Parser(tokenize(text)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.current.kind == kind and (text is None or self.current.text == text)

    def accept(self, kind: str, text: str | None = None) -> bool:
        if self.at(kind, text):
            self.index += 1
            return True
        return False

    def expect(self, kind: str, text: str | None, wanted: str) -> Token:
        if not self.at(kind, text):
            self.fail(f"expected {wanted}")
        return self.advance()

    def fail(self, message: str, token: Token | None = None) -> NoReturn:
        token = token or self.current
        if token.kind == "end":
            found = "the end of the filter"
        elif token.kind == "string":
            found = "the string '" + token.text.replace("'", "''") + "'"
        else:
            found = f"'{token.text}'"
        raise FilterError(f"{message}, found {found}", token.position)

    def parse(self) -> Expression:
        expression = self.or_expr()
        if not self.at("end"):
            self.fail("expected 'and', 'or' or the end of the filter")
        return expression

    def or_expr(self) -> Expression:
        return self._chain("or", self.and_expr)

    def and_expr(self) -> Expression:
        return self._chain("and", self.not_expr)

    def _chain(self, op: str, item) -> Expression:
        first = self.current
        items = [item()]
        while self.at("keyword", op):
            self.advance()
            items.append(item())
        return items[0] if len(items) == 1 else BoolOp(op, tuple(items), first.position)

    def not_expr(self) -> Expression:
        if self.at("keyword", "not"):
            token = self.advance()
            return Not(self._nested(self.not_expr), token.position)
        return self.predicate()

    def _nested(self, rule):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FilterError(f"the filter nests deeper than {MAX_NESTING} levels", self.current.position)
        try:
            return rule()
        finally:
            self.depth -= 1

    def predicate(self) -> Expression:
        if self.at("lparen"):
            self.advance()
            inner = self._nested(self.or_expr)
            self.expect("rparen", None, "')' to close the parenthesis")
            return inner
        start = self.current
        left = self.operand()
        if self.at("op"):
            op = self.advance()
            if self.at("keyword", "null"):
                self.fail("compare with null using 'is null' or 'is not null'")
            right = self.operand()
            return Comparison("!=" if op.text == "<>" else op.text, left, right, op.position)
        if self.at("keyword", "is"):
            token = self.advance()
            negated = self.accept("keyword", "not")
            self.expect("keyword", "null", "'null' after 'is'" + (" not" if negated else ""))
            return IsNull(left, negated, token.position)
        if self.at("keyword", "not") or self.at("keyword", "in"):
            token = self.current
            negated = self.accept("keyword", "not")
            self.expect("keyword", "in", "'in' after 'not'")
            return InList(left, self.literal_list(), negated, token.position)
        return Truthy(left, start.position)

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect("lparen", None, "'(' to open the list")
        values = [self.literal()]
        while self.at("comma"):
            self.advance()
            values.append(self.literal())
        self.expect("rparen", None, "',' or ')' in the list")
        return tuple(values)

    def operand(self) -> Operand:
        token = self.current
        if token.kind == "name":
            if self.tokens[self.index + 1].kind == "lparen":
                return self.percentile()
            return self.column()
        if token.kind in ("number", "string", "minus") or (
            token.kind == "keyword" and token.text in ("true", "false")
        ):
            return self.literal()
        if token.kind == "keyword" and token.text == "null":
            self.fail("null is only allowed in 'is null' / 'is not null'")
        self.fail("expected a column, a value or a percentile")

    def column(self) -> Column:
        first = self.expect("name", None, "a column name")
        if self.at("dot"):
            self.advance()
            second = self.expect("name", None, "a column name after 'table.'")
            return Column(f"{first.text}.{second.text}", first.position)
        return Column(first.text, first.position)

    def literal(self) -> Literal:
        token = self.current
        if token.kind == "minus":
            self.advance()
            number = self.expect("number", None, "a number after '-'")
            return Literal(-_number(number.text), token.position)
        if token.kind == "number":
            return Literal(_number(self.advance().text), token.position)
        if token.kind == "string":
            return Literal(self.advance().text, token.position)
        if token.kind == "keyword" and token.text in ("true", "false"):
            return Literal(self.advance().text == "true", token.position)
        if token.kind == "keyword" and token.text == "null":
            self.fail("null is not a value here: use 'is null' / 'is not null'")
        self.fail("expected a number, a 'string', true or false")

    def percentile(self) -> Percentile:
        name = self.advance()
        self.advance()  # "("
        if shorthand := PERCENTILE_SHORTHAND.fullmatch(name.text):
            column = self.column()
            fraction = int(shorthand.group(1)) / 100
        elif name.text.lower() == "percentile":
            column = self.column()
            self.expect("comma", None, "',' and a fraction between 0 and 1, e.g. percentile(col, 0.9)")
            value = self.literal()
            if value.kind != "number" or not 0 <= value.value <= 1:
                raise FilterError("the fraction of percentile() must be a number in [0, 1]", value.position)
            fraction = float(value.value)
        else:
            raise FilterError(
                f"unknown function '{name.text}' (the only functions are pNN(column), e.g. "
                "p75(predicted_clv), and percentile(column, fraction))",
                name.position,
            )
        self.expect("rparen", None, "')' to close the percentile")
        return Percentile(column, fraction, name.position)


def _number(text: str) -> int | float:
    return int(text) if text.isdigit() else float(text)
