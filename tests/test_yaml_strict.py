"""The strict YAML reader (backcare.content.yamlsafe): YAML 1.2 meanings, located problems, hostile input.

Every test runs twice: with PyYAML's libyaml parser and with its pure-Python parser, which must agree.
"""

from __future__ import annotations

import tracemalloc

import pytest
import yaml

from backcare.content import yamlsafe
from backcare.content.problems import Problem
from backcare.content.yamlsafe import MAX_BYTES, MAX_DEPTH, decode, load, parse, parse_bytes

BACKENDS = [pytest.param(None, id="libyaml"), pytest.param(False, id="pure-python")]


@pytest.fixture(params=BACKENDS, autouse=True)
def backend(request, monkeypatch):
    if request.param is None and not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setattr(yamlsafe, "USE_LIBYAML", request.param)
    return request.param


def data(text: str):
    value, problems = load(text, "t.yaml")
    assert problems == [], [str(p) for p in problems]
    return value


def only_problem(text: str) -> Problem:
    _, problems = load(text, "t.yaml")
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ------------------------------------------------------------------ YAML 1.2 core scalars


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("NO", "NO"),
        ("1:30", "1:30"),
        ("190:20:30", "190:20:30"),  # YAML 1.1 sexagesimal -> text
        ("2024-01-01", "2024-01-01"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("010", 10),
        ("0o10", 8),
        ("0x1F", 31),
        ("-5", -5),
        ("+7", 7),
        ("0", 0),
        ("1_000", "1_000"),
        ("0b101", "0b101"),  # YAML 1.1 only
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("-.5", -0.5),
        ("true", True),
        ("True", True),
        ("FALSE", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("Null", None),
        ("'no'", "no"),
        ('"010"', "010"),
        ("!!str 5", "5"),
        ("!!int 12", 12),
        ("!!float 3", 3.0),
        ("= ", "="),
        ("<<", "<<"),
    ],
)
def test_scalars_resolve_as_yaml_1_2_core(text, expected):
    value = data(f"v: {text}\n")["v"]
    assert value == expected and type(value) is type(expected)


def test_infinity_and_nan():
    value = data("a: .inf\nb: -.Inf\nc: .NaN\n")
    assert value["a"] == float("inf") and value["b"] == float("-inf") and value["c"] != value["c"]


def test_block_scalars_and_quotes_are_text():
    assert data("a: |\n  no\n  1:30\nb: >\n  yes\n") == {"a": "no\n1:30\n", "b": "yes\n"}


def test_nodes_carry_1_based_line_and_column():
    root, problems = parse("# comment\nstages:\n  - {id: cat-camel, side: no}\n", "t.yaml")
    assert problems == []
    item = root.value["stages"].value[0]
    assert (item.line, item.column) == (3, 5)
    side = item.value["side"]
    assert (side.line, side.column, side.value, side.quoted) == (3, 27, "no", False)
    assert (root.keys["stages"].line, root.keys["stages"].column) == (2, 1)


# ------------------------------------------------------------------ duplicate keys, anchors, tags


def test_duplicate_key_reported_at_second_key_with_first_line():
    p = only_problem("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (p.line, p.column) == (4, 3)
    assert 'duplicate key "c" (first given at line 3)' in p.message


def test_duplicate_key_in_flow_mapping_and_same_number_spelt_differently():
    assert only_problem("a: {x: 1, x: 2}\n").column == 11
    assert "duplicate key" in only_problem("1: a\n01: b\n").message


@pytest.mark.parametrize(
    "text, where, fragment",
    [
        ("a: &x 1\nb: *x\n", (1, 4), "anchors (&name) are not allowed"),
        ("a: *x\n", (1, 4), "aliases (*name) are not allowed"),
        ("a: &x [1]\nb:\n  <<: *x\n", (1, 4), "anchors"),
    ],
)
def test_anchors_and_aliases_are_refused(text, where, fragment):
    p = only_problem(text)
    assert (p.line, p.column) == where and fragment in p.message


def test_alias_bomb_is_refused_early_with_bounded_memory(yaml_work):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    bomb = "\n".join(lines) + "\n"
    tracemalloc.start()
    _, problems = load(bomb, "bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert yaml_work.events <= 5  # refused at the first anchor: nothing of the 10**29 expansion is ever read
    assert peak < 5 * 1024 * 1024
    assert len(problems) == 1 and problems[0].line == 1 and "anchors" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",
        "a: !custom x\n",
        "a: !!binary aGk=\n",
        "a: !!set {x: null}\n",
        "a: !!python/tuple [1, 2]\n",
    ],
)
def test_tags_other_than_core_ones_are_refused(text):
    p = only_problem(text)
    assert (p.line, p.column) == (1, 4) and "is not allowed" in p.message


def test_core_tag_with_a_value_that_does_not_fit():
    assert '"abc" is not a valid !!int value' in only_problem("a: !!int abc\n").message


# ------------------------------------------------------------------ size, encoding, line ends


def test_utf8_bom_and_crlf_are_accepted():
    raw = "\ufeffname: Café\r\nitems:\r\n  - 1\r\n  - two\r\n".encode()
    node, problems = parse_bytes(raw, "t.yaml")
    assert problems == []
    assert yamlsafe.to_plain(node) == {"name": "Café", "items": [1, "two"]}
    assert node.value["items"].value[1].line == 4


def test_crlf_problem_lines_count_like_lf():
    p = only_problem("a: 1\r\nb: 2\r\na: 3\r\n")
    assert (p.line, p.column) == (3, 1)


def test_non_utf8_bytes_give_a_located_problem():
    text, problems = decode("name: ok\nauthor: Jos\xe9\n".encode("latin-1"), "t.yaml")
    assert text is None and len(problems) == 1
    p = problems[0]
    assert (p.line, p.column) == (2, 12)
    assert "not UTF-8" in p.message and "0xe9" in p.message


def test_utf16_is_named():
    _, problems = decode("a: 1\n".encode("utf-16"), "t.yaml")
    assert "UTF-16" in problems[0].message


def test_size_cap_on_bytes_and_text(yaml_work):
    big = b"# " + b"x" * (3 * 1024 * 1024) + b"\n"
    _, problems = parse_bytes(big, "big.yaml")
    assert yaml_work.parsers == 0  # refused before any YAML is read
    assert len(problems) == 1 and "too large" in problems[0].message and "2 MB" in problems[0].message
    _, problems = parse(big.decode(), "big.yaml")
    assert "too large" in problems[0].message
    # just under the limit is read
    ok = "a: " + "x" * (MAX_BYTES - 10) + "\n"
    assert parse(ok, "ok.yaml")[1] == []


def test_multibyte_text_is_measured_in_bytes():
    text = "a: " + "é" * (MAX_BYTES // 2 + 10) + "\n"  # fewer characters than the limit, more bytes
    assert "too large" in only_problem(text).message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ud800", "\ufffe"])
def test_control_characters_are_refused_with_place(char):
    p = only_problem(f"a: 1\nb: x{char}y\n")
    assert (p.line, p.column) == (2, 5) and "control character" in p.message


# ------------------------------------------------------------------ tabs and syntax errors


@pytest.mark.parametrize(
    "text, where",
    [("a:\n\tb: 1\n", (2, 1)), ("a:\n  - 1\n  \t- 2\n", (3, 3)), ("\ta: 1\n", (1, 1)), ("a:\n    \t# note\n", (2, 5))],
)
def test_tab_indentation_is_a_clear_error(text, where):
    p = only_problem(text)
    assert (p.line, p.column) == where
    assert p.message == "a tab is used for indentation: indent with spaces (YAML does not allow tabs there)"


@pytest.mark.parametrize(
    "text, where, fragment",
    [
        ("a: [1, 2\nb: 3\n", (2, 2), "the '[' at line 1, column 4 is not closed with ']'"),
        ("a: {b: 1\n", (2, 1), "the '{' at line 1, column 4 is not closed with '}'"),
        ("a: 'x\n", (2, 1), "the quote at line 1, column 4 is never closed"),
        ('a: "x\nb: 1\n', (3, 1), "the quote at line 1, column 4 is never closed"),
        ("a: 1\n  b: 2\n", (2, 4), "a ':' is not allowed here"),
        ("a: b: c\n", (1, 5), "a ':' is not allowed here"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "does not line up with the mapping that starts at line 1"),
        ("- a\nb: c\n", (2, 1), "does not line up with the list that starts at line 1"),
        ("a: @x\n", (1, 4), 'text cannot start with "@"'),
        ("a: `x\n", (1, 4), 'text cannot start with "`"'),
        ("a: 1\n---\nb: 2\n", (2, 1), "only one YAML document is allowed per file"),
    ],
)
def test_syntax_errors_are_one_located_sentence(text, where, fragment):
    p = only_problem(text)
    assert (p.line, p.column) == where
    assert fragment in p.message
    assert "\n" not in p.message


def test_empty_and_comment_only_documents_are_none():
    assert load("", "t.yaml") == (None, [])
    assert load("# nothing\n\n", "t.yaml") == (None, [])
    assert load("---\n...\n", "t.yaml") == (None, [])


# ------------------------------------------------------------------ depth and big numbers


def test_nesting_deeper_than_the_cap_is_refused_without_recursion_error():
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load(ok, "t.yaml")[1] == []
    p = only_problem("a: " + "[" * (MAX_DEPTH + 10) + "]" * (MAX_DEPTH + 10) + "\n")
    assert (p.line, p.column) == (1, 4 + MAX_DEPTH - 1) and f"more than {MAX_DEPTH} levels" in p.message


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 1_000_000,
        "- " * 400_000 + "x\n",
        "{a: " * 300_000 + "1" + "}" * 300_000,
        "".join(" " * i + "k:\n" for i in range(1500)),
    ],
    ids=["flow-1M", "block-seq-400k", "flow-map-300k", "block-map-1500"],
)
def test_hostile_nesting_is_refused_after_bounded_work(text, yaml_work):
    p = only_problem(text)
    assert yaml_work.events <= 2 * MAX_DEPTH + 10  # stops at the depth limit, not at the end of the input
    assert f"more than {MAX_DEPTH} levels" in p.message


def test_a_number_with_too_many_digits_is_a_problem_not_a_crash():
    p = only_problem("a: " + "9" * 5000 + "\n")
    assert (p.line, p.column) == (1, 4) and "too many digits" in p.message


def test_keys_must_be_scalars():
    p = only_problem("? [a, b]\n: 1\n")
    assert "a key must be plain text" in p.message


def test_problem_str_is_file_line_column_message():
    assert str(Problem("r.yaml", 7, 13, "side must be one of both")) == "r.yaml:7:13: side must be one of both"


def test_problems_never_echo_long_input():
    p = only_problem("a: !!int " + "z" * 500 + "\n")
    assert len(p.message) < 120
