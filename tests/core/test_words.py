"""One way to speak to people: every word in both languages, every key used, every refusal keyed.

The code is read as code (ast): each `raise` of a Vern error, each `Message(...)` and each
`ValueError(...)` a field parser raises is found where it is written, so a refusal added
tomorrow is held to the same rules without a line of this file changed.
"""

import ast
import re
import string
from pathlib import Path

import pytest

from audits.checking import registry
from audits.core.errors import InputError, VernError
from audits.core.i18n import Message, Text, catalogue, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("audits", "dashboard", "checks") for p in (ROOT / folder).rglob("*.py"))
# The errors a person reads (audits.core.errors.VernError and the classes built on it).
ERRORS = {"VernError", "InputError", "Refused", "KeyProblem", "HeadFileProblem", "DatabaseBusy"}
# English words that have no business in a bokmål sentence.
ENGLISH = re.compile(r"\b(the|must|cannot|already|only|should|was|were|with|without|which|found|"
                     r"missing|not|is|are|has|have|file|field|line|empty|required)\b")


def fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in SOURCES}


TREES = trees()


def called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def keyed_sites() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, the names of the values given, or None when they are not written out) for
    every error raised and every Message built with a key written in the code."""
    sites = []
    for path, tree in TREES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or called(node) not in ERRORS | {"Message"}:
                continue
            if called(node) == "InputError" or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if called(node) == "Message":
                given = node.args[1] if len(node.args) > 1 else None
                names = ({k.value for k in given.keys if isinstance(k, ast.Constant)}
                         if isinstance(given, ast.Dict) and None not in given.keys else
                         set() if given is None else None)
            else:
                names = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            sites.append((where, first.value, names))
    return sites


SITES = keyed_sites()


def test_every_text_is_in_both_languages_with_the_same_values():
    texts = dict(catalogue())
    for check in registry.installed().values():
        for rule in check.rules:
            texts[f"{check.id}.{rule.id}.title"], texts[f"{check.id}.{rule.id}.remedy"] = rule.title, rule.remedy
    for key, text in texts.items():
        assert isinstance(text, Text), key
        assert text.nb.strip() and text.en.strip(), f"{key} lacks a language"
        assert fields(text.nb) == fields(text.en), f"{key}: bokmål and English take different values"


def test_no_bokmal_text_is_english():
    for key, text in catalogue().items():
        bare = re.sub(r"\{[^}]*\}|`[^`]*`|\([A-Z][^)]*\)", "", text.nb)  # values, code, the law's abbreviations
        assert not ENGLISH.search(bare), (key, text.nb)


def test_every_key_is_used():
    """A key is used when the code names it or builds it: f"severity.{value}", "role." + role
    and `labels("activities.level")` reach the keys that begin so."""
    nodes = [node for path, tree in TREES.items() if path.name != "words.py" for node in ast.walk(tree)]
    written = {node.value for node in nodes if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    beginnings = {node.values[0].value for node in nodes if isinstance(node, ast.JoinedStr)
                  and node.values and isinstance(node.values[0], ast.Constant)}
    beginnings |= {value for value in written if re.fullmatch(r"[a-z_.0-9]+\.", value)}
    beginnings |= {node.args[0].value + "." for node in nodes if isinstance(node, ast.Call) and "label" in called(node)
                   and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    unused = [key for key in catalogue() if key not in written
              and not any(key.startswith(beginning) for beginning in beginnings if "." in beginning)]
    assert unused == []


def unkeyed(node: ast.AST) -> bool:
    """A refusal's words written out in the code rather than named by a key."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value not in catalogue()
    if isinstance(node, ast.List):
        return any(unkeyed(element) for element in node.elts)
    return False


def test_every_refusal_names_a_key_of_the_catalogue():
    """A Vern error names a key (or brings a check's own Text); a field parser's ValueError
    carries a Message; a problem of a refused file is a Message, never a sentence."""
    found = []
    for path, tree in TREES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name, first = called(node), node.args[0]
            if name == "InputError":
                words = node.args[1] if len(node.args) > 1 else None
            elif name in ERRORS | {"ValueError"}:
                words = first
                if name in ERRORS and not (isinstance(first, ast.Constant) or called_text(first)):
                    words = ast.JoinedStr([])  # a variable or expression: no key to be seen
            elif name in ("append", "extend") and "problem" in ast.unparse(node.func):
                words = first
            else:
                continue
            if words is not None and unkeyed(words):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def called_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and called(node) == "Text" or isinstance(node, ast.Attribute)


def test_every_keyed_site_names_a_key_and_gives_its_values():
    problems = []
    for where, key, names in SITES:
        if key not in catalogue():
            problems.append(f"{where}: no key {key}")
        elif names is not None and not fields(catalogue()[key].en) <= names:
            problems.append(f"{where}: {key} needs {sorted(fields(catalogue()[key].en) - names)}")
    assert problems == []


@pytest.mark.parametrize("key", sorted({key for _, key, _ in SITES if key in catalogue()}))
def test_every_refusal_reads_in_bokmal(key):
    """Every refusal the code can raise, rendered in nb with made-up values: it renders, and
    it is not the English sentence."""
    values = {name: 2 for name in fields(catalogue()[key].nb)}
    nb, en = t(key, "nb", **values), t(key, "en", **values)
    assert nb
    assert nb != en or not re.search("[a-z]{3}", re.sub(r"\{[^}]*\}", "", catalogue()[key].en)), key


def test_plural_words_and_numbers_follow_the_reader():
    text = Text("{n} {n:sak|saker}, {x:,} og {y:.2f}", "{n} {n:case|cases}, {x:,} and {y:.2f}")
    assert text("nb", n=1, x=10000, y=0.25) == "1 sak, 10\u00a0000 og 0,25"
    assert text("nb", n=2, x=3, y=1.0) == "2 saker, 3 og 1,00"
    assert text("en", n=1, x=10000, y=0.25) == "1 case, 10,000 and 0.25"
    assert text("en", n=0, x=3, y=1.0) == "0 cases, 3 and 1.00"


def test_an_error_speaks_the_readers_language_and_a_nested_message_too():
    error = VernError("text.refused", field="title", why=Message("text.too_long", {"max": 200}))
    assert error.text("nb") == "title: lengre enn 200 tegn"
    assert error.text("en") == str(error) == "title: longer than 200 characters"
    assert error.field == "title"
    refused = InputError("x.csv", [Message("input.at", {"where": Message("input.line", {"n": n}),
                                                        "why": Message("input.empty")}) for n in range(25)])
    assert refused.text("nb").splitlines()[:2] == ["x.csv: ingenting ble importert.", "  linje 0: filen er tom"]
    assert refused.text("nb").splitlines()[-1] == "  … og 5 til"
