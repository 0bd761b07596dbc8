# Sourced by the figure scripts from the repository root, after they set FIGURE (a name) and WORKDIR (the script's
# argument, possibly empty): sets WORK (WORKDIR, or a fresh /tmp/FIGURE.XXXXXX) and FATHOM_BIN (the release binary,
# built here unless FATHOM_BIN is already set).
WORK=${WORKDIR:-$(mktemp -d "/tmp/$FIGURE.XXXXXX")}
mkdir -p "$WORK"
if [ -z "${FATHOM_BIN:-}" ]; then
    swift build -c release --product fathom >&2
    FATHOM_BIN=.build/release/fathom
fi
