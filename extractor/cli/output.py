"""Writing results: atomically, so a crash never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from extractor.errors import OutputError


def output_target(
    output: str | None, single: bool, default_dir: Path, folder_in: bool = False
) -> tuple[Path | None, Path | None]:
    """(file, folder) the results go to; neither means stdout. One report goes to the file
    named (or into it when it names a folder); several need a folder: one that exists, or a
    name ending in '/' (made when missing), so that ``-o two.json`` never becomes a folder.
    A folder given as input may also name its output folder plainly (``-o out``), as long as
    the name has no file suffix."""
    if output is None:
        return (None, None) if single else (None, default_dir)
    path = Path(output)
    names_folder = output.endswith(("/", os.sep)) or path.is_dir() or (folder_in and not path.suffix)
    if names_folder:
        return None, path
    if single:
        return path, None
    raise OutputError(
        f"-o {output}: several reports give one JSON file each, so -o must name a folder: "
        f"an existing one, or end the name with '/' ({output}/) to have it made"
    )


def _umask() -> int:
    """The process's file-creation mask (read without changing it where /proc tells it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting, then put back at once
    os.umask(mask)
    return mask


def json_chunks(model: BaseModel) -> Iterator[str]:
    """``model.model_dump_json(indent=2)`` in pieces, each list of models item by item: the
    JSON of a large report (several times the size of its text) is never held whole."""
    opened = False
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list) and value and all(isinstance(item, BaseModel) for item in value):
            body: Iterable[str] = _list_chunks(value)
        else:
            alone = model.model_dump_json(indent=2, include={name})
            if alone == "{}":  # left out (exclude_if)
                continue
            body = [alone[alone.index(": ") + 2 : -2]]  # the value in '{\n  "name": VALUE\n}'
        yield (",\n  " if opened else "{\n  ") + f'"{name}": '
        opened = True
        yield from body
    yield "\n}" if opened else "{}"


def _list_chunks(items: list[BaseModel]) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n    " + item.model_dump_json(indent=2).replace("\n", "\n    ")
    yield "\n  ]"


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string, or its pieces) to ``path`` through a temporary file and a
    rename; the file gets the mode a plain ``open`` would give it (0666 less the umask), not
    mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        os.replace(tmp, path)
    except OSError as exc:
        if "tmp" in locals() and Path(tmp).exists():
            Path(tmp).unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror}. Check the folder exists and is writable.") from exc
