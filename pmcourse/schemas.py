"""JSON Schemas of the course's own files, with their errors as plain sentences.

The schemas (JSON Schema draft 2020-12) are shipped in
``pmcourse/resources/schemas/<name>.schema.json``:

- ``quiz``: a self-check quiz, ``pmcourse/resources/quizzes/<module>.json``;
- ``module``: the metadata ``pmcourse`` of a learner notebook (the module
  registry, :mod:`pmcourse.modules`).

:func:`problems` turns what jsonschema finds into sentences that name the file,
the place and the field, such as ``01_foundations.json, question 3, answer 2:
has no feedback``. A schema words its own sentences: a field's ``x-message`` is
said when the field is missing or breaks a rule of its own (``{value}`` stands
for the value found); an unknown field gets a sentence of its own; and
``x-item-names`` says what the items of each list are called.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["SCHEMAS", "problems", "schema", "validate"]

#: The names of the schemas shipped with the course.
SCHEMAS = ("module", "quiz")

_TYPES = {
    "array": "a list [...]",
    "boolean": "true or false",
    "integer": "a whole number",
    "null": "null",
    "number": "a number",
    "object": "a set of fields {...}",
    "string": "text in double quotes",
}


def schema(name: str) -> dict:
    """The JSON Schema called ``name`` (one of :data:`SCHEMAS`), as a dict.

    Examples
    --------
    >>> schema("quiz")["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    """
    if name not in SCHEMAS:
        raise ValueError(f"There is no schema called {name!r}. Schemas: {', '.join(SCHEMAS)}.")
    path = resources.files("pmcourse").joinpath("resources", "schemas", f"{name}.schema.json")
    return json.loads(path.read_text("utf-8"))


@cache
def _validator(name: str):
    # jsonschema is imported here, not with the module: notebooks that import
    # pmcourse.quiz should not pay for it before they show a quiz.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _place(path: list, item_names: dict[str, str]) -> list[str]:
    """The words for a place in a file: question 3, answer 2, "feedback"."""
    words = []
    for index, key in enumerate(path):
        if isinstance(key, int):
            owner = path[index - 1] if index and isinstance(path[index - 1], str) else ""
            words.append(f"{item_names.get(owner, 'item')} {key + 1}")
        elif index + 1 == len(path) or not isinstance(path[index + 1], int):
            words.append(f'"{key}"')
    return words


def _sentence(error, item_names: dict[str, str]) -> tuple[list[str], str]:
    """One jsonschema error as the words for its place and a plain sentence."""
    path, keyword, value, rule = (
        list(error.absolute_path),
        error.validator,
        error.instance,
        error.validator_value,
    )
    owner = error.schema
    if keyword == "required":
        missing = next(key for key in rule if error.message.startswith(repr(key)))
        message = owner.get("properties", {}).get(missing, {}).get("x-message", "")
        sentence = message if message and "{value}" not in message else f'lacks "{missing}"'
        return _place(path, item_names), sentence
    if "x-message" in owner and keyword != "additionalProperties":
        # A field's own sentence is about the object that holds the field.
        holder = path[:-1] if path and isinstance(path[-1], str) else path
        return _place(holder, item_names), owner["x-message"].replace("{value}", _shown(value))
    if keyword == "type":
        kinds = [rule] if isinstance(rule, str) else rule
        sentence = f"must be {' or '.join(_TYPES[kind] for kind in kinds)}, not {_shown(value)}"
    elif keyword == "enum":
        sentence = f"must be one of {', '.join(map(_shown, rule))}, not {_shown(value)}"
    elif keyword == "pattern" and rule == "\\S":
        sentence = "is empty"
    elif keyword in ("minimum", "maximum"):
        sentence = f"must be at {'least' if keyword == 'minimum' else 'most'} {rule}, not {value}"
    elif keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "at most"
        sentence = f"must list {bound} {rule}, not {len(value)}"
    elif keyword == "additionalProperties":
        known = sorted(owner.get("properties", {}))
        unknown = ", ".join(f'"{key}"' for key in sorted(set(value) - set(known)))
        sentence = f"has the unknown field {unknown} (check the spelling; the fields are "
        sentence += ", ".join(known) + ")"
    elif keyword == "uniqueItems":
        sentence = f"lists an item twice: {_shown(value)}"
    else:
        sentence = f"{error.message} (rule {keyword!r} of the schema)"
    return _place(path, item_names), sentence


def problems(instance: object, schema_name: str, *, where: str) -> list[str]:
    """What is wrong with ``instance`` by the schema ``schema_name``, as plain sentences.

    Parameters
    ----------
    instance : object
        The data read from a file (a quiz's list of questions, a notebook's
        ``pmcourse`` metadata).
    schema_name : str
        One of :data:`SCHEMAS`.
    where : str
        What to call the file (and the part of it) at the start of each
        sentence, such as ``"01_foundations.json"``.

    Returns
    -------
    list of str
        One sentence per problem, in the order of the file; empty when the
        instance is valid.

    Examples
    --------
    >>> question = {"question": "Which allele?", "type": "multiple_choice",
    ...     "answers": [{"answer": "*2", "correct": True, "feedback": "Yes."},
    ...                 {"answer": "*17", "correct": False}]}
    >>> wrong = {"question": "", "type": "essay", "answers": []}
    >>> for sentence in problems([question, wrong], "quiz", where="demo.json"):
    ...     print(sentence)
    demo.json, question 1, answer 2: has no feedback
    demo.json, question 2: has no question text
    demo.json, question 2: has the unknown type "essay": use "multiple_choice" (one right
    answer), "many_choice" (several) or "numeric"
    demo.json, question 2: has no answers
    >>> problems(question, "quiz", where="demo.json")
    ['demo.json: must be a non-empty list of questions: [{"question": ...}, {"question": ...}]']
    """
    names = schema(schema_name).get("x-item-names", {})
    errors = sorted(
        _validator(schema_name).iter_errors(instance),
        key=lambda error: [key for key in error.absolute_path if isinstance(key, int)],
    )
    sentences = []
    for error in errors:
        place, sentence = _sentence(error, names)
        sentence = f"{', '.join([where, *place])}: {sentence}"
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def validate(instance: object, schema_name: str, *, where: str) -> None:
    """Raise a ValueError listing every problem :func:`problems` finds.

    Examples
    --------
    >>> validate({"title": "Demo"}, "module", where="99_demo.ipynb, metadata pmcourse")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: 99_demo.ipynb, metadata pmcourse: lacks "module".
    99_demo.ipynb, metadata pmcourse: lacks "slug".
    ...
    99_demo.ipynb, metadata pmcourse: lacks "clinical_review".
    """
    found = problems(instance, schema_name, where=where)
    if found:
        raise ValueError("\n".join(f"{sentence}." for sentence in found))
