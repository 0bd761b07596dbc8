"""Where the peer scripts find the checkout and its fathom binary."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def find_fathom(explicit):
    """The fathom binary: `explicit` (a --fathom argument), else the newest release build in the checkout."""
    if explicit:
        return explicit
    candidates = [os.path.join(ROOT, d, "release", "fathom") for d in os.listdir(ROOT) if d.startswith(".build")]
    candidates = [c for c in candidates if os.path.exists(c)]
    if not candidates:
        sys.exit("no release build of fathom found: run `swift build -c release` or pass --fathom PATH")
    return max(candidates, key=os.path.getmtime)
