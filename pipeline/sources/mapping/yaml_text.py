"""A hand-written YAML file read as plain text values, with errors a person can act on.

Every scalar stays text (YAML 1.1 would turn `yes`, `no`, `on` and `off` into booleans and `010` into a
number: status words and column names must arrive as written), and a key written twice is refused
instead of silently keeping the last.
"""

from pathlib import Path

import yaml

from pipeline.raw.errors import RawDataError


class MappingError(RawDataError):
    """A column mapping file that cannot be used; the message names the file, the key and the value."""

    advice = "Fix the mapping and run again (docs/column-mapping.md: what a mapping holds)."


class _TextLoader(yaml.BaseLoader):
    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            keys = [self.construct_object(key_node, deep=True) for key_node, _ in node.value]
            for (key_node, _), key in zip(node.value, keys, strict=True):
                if isinstance(key, str) and keys.count(key) > 1:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is written twice; keep one", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)


def read_yaml_text(path: Path) -> object:
    """The file's content: dicts, lists and strings only."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    try:
        return yaml.load(text, Loader=_TextLoader)  # noqa: S506 - BaseLoader builds only dicts, lists, text
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise MappingError(
            f"{path}: not valid YAML{where}: {problem} (put a value with : , # or a leading - in quotes)"
        ) from None
