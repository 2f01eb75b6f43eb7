"""The command line: a thin layer over the Python API.

Each command lives in ``srcscan/commands/<name>.py`` and exposes ``NAME``, ``HELP``,
``register(parser)`` (adds its options) and ``run(args) -> int``. Commands are found by
module discovery, so adding one never touches this file.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import __version__
from .errors import SrcscanError

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# Deeply nested generated code (10 000 parentheses) is walked recursively by tree-sitter
# consumers; from Python 3.11 on, Python-to-Python calls do not use the C stack, so a high
# limit is safe there. Deeper input still ends in one clear error line (see main()).
RECURSION_LIMIT = 100_000


def command_modules(only: str | None = None):
    """The command modules (all, or the one named ``only``)."""
    from . import commands

    mods = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or (only is not None and info.name != only):
            continue
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "register") and hasattr(mod, "run"):
            mods.append(mod)
    return mods


def add_source_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sources")
    g.add_argument("--src", action="append", metavar="DIR",
                   help="source file or folder (repeatable); default: $SRCSCAN_SRC, the VirtualBox "
                        "checkout containing the current folder, else the bundled sample tree")
    g.add_argument("--whole-tree", action="store_true",
                   help="given a checkout root, scan all of it instead of src/VBox/VMM and include")
    g.add_argument("--rev", metavar="REV",
                   help="analyse this revision (git ref or id, rNNNNN svn number) instead of the files on disk")
    g.add_argument("--svn", metavar="URL_OR_WC", help="read --rev through the svn client from this repository")
    g.add_argument("--cache", metavar="DIR", help="fact cache folder (default: $SRCSCAN_CACHE or $XDG_CACHE_HOME/srcscan)")
    g.add_argument("--no-cache", action="store_true", help="do not read or write the fact cache")
    add_jobs_option(g)
    add_models_option(g)


def add_models_option(g) -> None:
    g.add_argument("--models", action="append", metavar="DIR",
                   help="a folder of model files (*.toml, docs/models.md) read after the built-in ones "
                        "(repeatable; also $SRCSCAN_MODELS and .srcscan/models/ in the analysed tree)")


def use_models(args, trees: list[str] | None = None) -> None:
    """Load the user's model folders for this run: --models, $SRCSCAN_MODELS, and the
    .srcscan/models/ folder of each analysed tree (the --src folders, or $SRCSCAN_SRC's)."""
    from .datafiles import model_dirs_from, set_model_dirs

    if trees is None:
        named = getattr(args, "src", None) or [s for s in os.environ.get("SRCSCAN_SRC", "").split(os.pathsep) if s]
        trees = [t for t in named if isinstance(t, str) and os.path.isdir(t)]
    set_model_dirs(model_dirs_from(getattr(args, "models", None), trees=trees))


def max_jobs() -> int:
    """The most parser processes -j accepts: four per core (more only adds memory and start-up)."""
    return 4 * max(1, os.cpu_count() or 1)


def jobs_arg(text: str) -> int:
    """-j N: an integer from 1 to ``max_jobs()`` (argparse turns the ValueError into a usage error)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 1 <= n <= max_jobs():
        raise argparse.ArgumentTypeError(f"{n} is out of range: give 1 to {max_jobs()} "
                                         f"(this machine has {os.cpu_count() or 1} cores)")
    return n


def add_jobs_option(g) -> None:
    g.add_argument("-j", "--jobs", type=jobs_arg, default=0, metavar="N",
                   help="parser processes, 1 to 4 per core (default: one per core)")


def add_config_options(p: argparse.ArgumentParser, control: bool = True) -> None:
    """Preprocessor configuration (and control dependence) options shared by the analysis commands."""
    p.add_argument("-D", "--define", action="append", metavar="NAME[=VALUE]",
                   help="restrict to the preprocessor configuration where NAME is defined (repeatable)")
    p.add_argument("-U", "--undef", action="append", metavar="NAME", help="NAME is not defined (repeatable)")
    p.add_argument("--keep-if0", action="store_true",
                   help="also analyse dead code: '#if 0' blocks and branches the file's own "
                   "#define/#undef (or those of the headers it includes) rule out (excluded by default)")
    if control:
        p.add_argument("--no-control", action="store_true", help="leave out control-dependence edges")


def config_from(args):
    """The preprocessor configuration named by ``add_config_options``."""
    from .extract.ppcond import Config

    return Config.from_args(args.define, args.undef, getattr(args, "keep_if0", False))


def open_sources(args):
    """The snapshot the source options name, said on stderr: (snapshot, why)."""
    from .sources.resolve import open_snapshot
    from .util import note

    snap, why = open_snapshot(args)
    note(f"sources: {snap.describe()} ({why})")
    root = getattr(snap, "root", "")
    if snap.kind == "dir" and root and os.path.isdir(root):  # e.g. the checkout holding the current folder
        use_models(args, [*(s for s in getattr(args, "src", None) or [] if os.path.isdir(s)), root])
    return snap, why


def open_cache(args):
    """The fact cache the source options name, or None with --no-cache."""
    if getattr(args, "no_cache", False):
        return None
    from .api import open_cache as _open

    return _open(args.cache or None)


def load_facts(args, snap):
    """(facts, index stats) of a snapshot, through the cache the source options name."""
    from .extract.index import index

    cache = open_cache(args)
    try:
        return index(snap, cache, args.jobs)
    finally:
        if cache is not None:
            cache.close()


def add_output_options(p: argparse.ArgumentParser, formats: list[str], default: str = "text") -> None:
    p.add_argument("--format", "-f", choices=formats, default=default, help=f"output format (default: {default})")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout (written atomically)")


def emit(text: str, output: str | None) -> None:
    """Write a result to stdout or atomically to a file."""
    from .util import note, write_atomic

    if output:
        write_atomic(output, text)
        note(f"wrote {output}")
    else:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (``srcscan: error: ...``, exit 2), like every
    other error; the usage text stays one ``--help`` away."""

    def error(self, message: str):
        cmd = self.prog[len("srcscan"):].strip() if self.prog.startswith("srcscan") else self.prog
        where = f"{cmd}: " if cmd else ""
        from .util import one_line

        self.exit(EXIT_USAGE, f"srcscan: error: {one_line(where + message)} (see '{self.prog} --help')\n")


def _chosen_command(argv: list[str]) -> str | None:
    """The module of the command ``argv`` names, when it names one (the first word that is not
    an option): only that command's module is then imported (a warm trace is a fraction of a
    second; importing every command is a noticeable part of it)."""
    from . import commands

    word = next((a for a in argv if not a.startswith("-")), None)
    if word is None or "--" in argv[:argv.index(word)]:
        return None
    name = word.replace("-", "_")
    names = {m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")}
    return name if name in names else None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (given the arguments) just the command they name."""
    parser = _Parser(
        prog="srcscan",
        description="Where does this value come from, and where does it go? Dataflow tracing "
                    "over VirtualBox's C/C++ sources. Exit codes: 0 ok, 1 nothing found, 2 usage or input error, "
                    "3 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"srcscan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    only = _chosen_command(argv) if argv is not None else None
    for mod in command_modules(only):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the Python traceback on errors")
        mod.register(p)
        p.set_defaults(_run=mod.run, _parser=p)
    return parser


def _raise_recursion_limit() -> None:
    if sys.version_info >= (3, 11) and sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def _os_error(e: OSError) -> str:
    """One line for an operating-system failure that reached the top (disk full, permission
    denied, a file that vanished): the file and the system's words, no traceback."""
    what = e.strerror or str(e) or type(e).__name__
    names = [n for n in (e.filename, getattr(e, "filename2", None)) if n]
    return (": ".join(str(n) for n in names) + ": " if names else "") + what


# A command holds millions of small, long-lived objects (facts, graphs) and makes almost no
# reference cycles: with the default thresholds the cyclic collector walks them again and
# again (measured: why-not on the VMM tree 31.5 s -> 12.1 s). Collections stay on, just rarer.
GC_THRESHOLDS = (200_000, 50, 100)


def main(argv: list[str] | None = None) -> int:
    import gc

    limit = sys.getrecursionlimit()
    thresholds = gc.get_threshold()
    _raise_recursion_limit()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return _main(argv)
    finally:
        sys.setrecursionlimit(limit)
        gc.set_threshold(*thresholds)


def _main(argv: list[str] | None) -> int:
    from .util import one_line

    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "_more_words", False) and not any(x.startswith("-") for x in extra):
        # optional positionals split by options (diff SYMBOL --src X REV1 REV2): argparse fills
        # them from the first run of words only; the command places the rest (args.words_after)
        args.words_after, extra = extra, []
    if extra:  # said by the command's own parser, which points at the command's --help
        getattr(args, "_parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    debug = getattr(args, "debug", False)
    try:
        _check_output_is_not_input(args)
        use_models(args)
        return int(args._run(args) or 0)
    except SrcscanError as e:
        if debug:
            raise
        print(f"srcscan: error: {one_line(str(e))}", file=sys.stderr)
        for line in getattr(e, "details", ()):  # what follows the one line (the owners of an ambiguous name)
            print(one_line(line), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("srcscan: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except Exception as e:  # last resort: never a traceback without --debug
        if debug:
            raise
        line, code = _last_resort(args, e)
        print(f"srcscan: {one_line(line)}", file=sys.stderr)
        return code


def _check_output_is_not_input(args) -> None:
    """-o naming a file the command reads (the saved trace, the log, a source file) would
    replace the input with its own report: refused before any work."""
    from .errors import UsageError
    from .sources.snapshot import is_source

    out = getattr(args, "output", None)
    if not out or not os.path.isfile(out):
        return
    named = [(getattr(args, k, None), k.replace("_", "-")) for k in ("trace", "log", "guest_dmesg")]
    named += [(s, "--src") for s in getattr(args, "src", None) or []]
    if hasattr(args, "no_cache") and not args.no_cache:  # the cache database this run reads and writes
        from .extract.cache import default_cache_dir

        db = os.path.join(getattr(args, "cache", None) or str(default_cache_dir()), "facts.sqlite")
        named += [(db + suffix, "the fact cache in use") for suffix in ("", "-wal", "-shm")]
    for path, what in named:
        if not isinstance(path, str) or path == "-":
            continue
        try:
            same = os.path.samefile(out, path) if os.path.exists(path) else False
            inside = os.path.isdir(path) and is_source(out) and \
                os.path.commonpath([os.path.realpath(path), os.path.realpath(out)]) == os.path.realpath(path)
        except (OSError, ValueError):
            continue
        if same or inside:
            raise UsageError(f"--output {out}: is also an input ({what}); refusing to overwrite it")


def _last_resort(args, e: BaseException) -> tuple[str, int]:
    """The one line (after ``srcscan: ``) and exit code for an exception that is not a
    SrcscanError. Environment trouble gets a plain error; anything else is a bug."""
    import sqlite3

    if isinstance(e, RecursionError):
        return ("error: input nested too deeply to analyse (Python recursion limit "
                f"{sys.getrecursionlimit()}); run with --debug to see which file", EXIT_USAGE)
    if isinstance(e, MemoryError):
        return "error: out of memory (try fewer --jobs or a narrower --src)", EXIT_USAGE
    if isinstance(e, sqlite3.DatabaseError) or _from_cache_decoding(e):
        return _damaged_cache(args, e), EXIT_USAGE
    if isinstance(e, OSError):  # disk full, permissions, a file that vanished
        return f"error: {_os_error(e)}", EXIT_USAGE
    return f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)", EXIT_INTERNAL


def _from_cache_decoding(e: BaseException) -> bool:
    """zlib and unpickling errors only come from decoding cache entries (facts, graph)."""
    import pickle
    import zlib

    return isinstance(e, (zlib.error, pickle.UnpicklingError))


def _damaged_cache(args, e) -> str:
    """A cache database that turned out damaged after it was opened (a bad page deep in the
    file): move it aside so the next run rebuilds it, and say so."""
    from .extract.cache import default_cache_dir, is_damage, move_aside

    if getattr(args, "no_cache", False):
        return f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)"
    path = os.path.join(getattr(args, "cache", None) or str(default_cache_dir()), "facts.sqlite")
    if not is_damage(e):  # disk full, read-only, locked: the file is fine, the environment is not
        return f"error: the fact cache {path}: {e} (--no-cache runs without it)"
    move_aside(path)
    return f"error: the fact cache {path} is damaged ({type(e).__name__}: {e}); it was moved aside: run the command again"


def _quiet_stdout() -> None:
    """After a closed pipe (``srcscan ... | head``), point stdout at /dev/null so the
    interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
