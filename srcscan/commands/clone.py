"""srcscan clone: get VirtualBox sources (partial, sparse git clone)."""
from __future__ import annotations

NAME = "clone"
HELP = "clone VirtualBox sources (partial, sparse) or update an existing clone"
DESCRIPTION = """\
Clone VirtualBox sources with git: a partial clone (--filter=blob:none: file contents are
fetched only when needed) with a sparse checkout of the folders a trace needs (default
src/VBox/VMM and include). Re-running on an existing clone fetches and fast-forwards it.

examples:
  srcscan clone                                   # https://github.com/VirtualBox/virtualbox.git -> ./virtualbox
  srcscan clone URL vbox --paths src/VBox/VMM include src/VBox/Devices
  srcscan clone URL vbox --rev r55068             # check out an svn revision (detached)
"""


def register(p) -> None:
    from ..sources.clone import DEFAULT_PATHS, DEFAULT_URL

    p.add_argument("url", nargs="?", metavar="URL", help=f"repository to clone (default: {DEFAULT_URL})")
    p.add_argument("dest", nargs="?", metavar="DEST", help="folder to clone into (default: the URL's last part)")
    p.add_argument("--paths", nargs="+", metavar="P",
                   help=f"folders to check out (default: {' '.join(DEFAULT_PATHS)}); on an update, "
                        "the current set is kept unless given")
    p.add_argument("--rev", metavar="REV", help="check out this revision (git ref or id, or rNNNNN), detached")


def run(args) -> int:
    from ..sources.clone import clone
    from ..util import note

    res = clone(args.url, args.dest, paths=args.paths, rev=args.rev)
    for n in res.notes:
        note(n)
    rev = res.revision
    what = "cloned" if res.created else "updated"
    where = rev.label() or "(empty)"
    print(f"{what} {res.url} into {res.path} at {where}" + (f" ({rev.date[:10]}: {rev.subject})" if rev.date else ""))
    if res.paths:
        print("checked out: " + " ".join(res.paths))
    return 0
