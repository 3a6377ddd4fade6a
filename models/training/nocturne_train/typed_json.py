"""JSON objects read into dataclasses, strictly: an unknown key or a value of the wrong type is
refused with the file, the key's path and what would have been valid. A misspelt key in a
config would otherwise be ignored and its default used, which only shows up in the results.

Supported field types: int, float (an int is accepted), str, bool, Any, List[T],
Dict[str, T], Optional[T] and nested dataclasses. Fields whose metadata has DERIVED are filled
in by the loader (e.g. the file a config came from) and are not valid keys in the file.
"""
import dataclasses
import difflib
import inspect
import json
import typing
from typing import Any, Callable, Iterable, List

DERIVED = {"derived": True}


class Strict:
    """Base of the config dataclasses: assigning an attribute that is not a field raises, so a
    typo in code (cfg.crp = 64) fails like a typo in a file."""

    def __setattr__(self, name: str, value) -> None:
        if name not in self.__dataclass_fields__:
            raise AttributeError(f"{type(self).__name__} has no field '{name}'"
                                 f"{_did_you_mean(name, self.__dataclass_fields__)}")
        object.__setattr__(self, name, value)


def keys(cls) -> List[str]:
    """The keys a file may give for dataclass `cls`."""
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("derived")]


def unknown_key_message(where: str, path: str, valid: Iterable[str]) -> str:
    valid = sorted(valid)
    hint = _did_you_mean(path.rsplit(".", 1)[-1], valid)
    return (f"{where}: unknown key '{path}'{hint}; valid keys there: "
            f"{', '.join(valid) if valid else 'none'}")


def read_json(path: str) -> Any:
    """A JSON file's contents; a key written twice in one object is refused (json.load would
    keep the second silently)."""
    def no_duplicates(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise ValueError(f"{path}: key '{k}' appears twice in one object")
            seen.add(k)
        return dict(pairs)

    with open(path, encoding="utf-8") as f:
        try:
            return json.load(f, object_pairs_hook=no_duplicates)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not valid JSON: {e}") from None


def from_dict(cls, raw: Any, where: str, path: str = ""):
    """An instance of dataclass `cls` from the JSON object `raw`; missing keys take the field
    defaults. `where` (the file) and `path` (the dotted key) name the place in errors."""
    label = f"'{path}'" if path else "the config"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: {label} must be a JSON object, got {_describe(raw)}")
    valid = keys(cls)
    for k in raw:
        if k not in valid:
            raise ValueError(unknown_key_message(where, _join(path, k), valid))
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in raw:
            values[f.name] = _convert(hints[f.name], raw[f.name], where, _join(path, f.name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ValueError(f"{where}: '{_join(path, f.name)}' is required")
    return cls(**values)


def check_kwargs(kwargs: dict, callee: Callable, where: str, path: str,
                 skip: Iterable[str] = ()) -> None:
    """Refuse keys of `kwargs` (a config's pass-through keyword arguments) that `callee` does
    not take, now rather than when the callee is first called, maybe an hour into a run."""
    params = inspect.signature(callee).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    valid = [p.name for p in params if p.name not in skip and p.kind in
             (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
    for k in kwargs:
        if k not in valid:
            raise ValueError(unknown_key_message(where, _join(path, k), valid))


def _convert(tp, value, where: str, path: str):
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return value
    if origin is typing.Union:  # Optional[T]: the only union the configs use
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, where, path)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, where, path)
    if origin is list:
        if not isinstance(value, list):
            raise _type_error(where, path, "a list", value)
        return [_convert(args[0], v, where, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise _type_error(where, path, "a JSON object", value)
        return {k: _convert(args[1], v, where, _join(path, k)) for k, v in value.items()}
    # bool is an int to Python, but "crop": true is a mistake, not 1.
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_error(where, path, "a number", value)
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(where, path, "an integer", value)
        return value
    if tp in (str, bool):
        if not isinstance(value, tp):
            raise _type_error(where, path, "a string" if tp is str else "true or false", value)
        return value
    raise TypeError(f"typed_json cannot read fields of type {tp!r} ({path})")


def _did_you_mean(name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(valid), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_error(where: str, path: str, expected: str, value) -> ValueError:
    return ValueError(f"{where}: '{path}' must be {expected}, got {_describe(value)}")


def _describe(value) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a JSON object", type(None): "null"}
    return f"{names.get(type(value), type(value).__name__)} ({value!r})"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
