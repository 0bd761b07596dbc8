// zlib for FathomNN's IDX reader (gzipped datasets). The package `zlib1g-dev` provides the header.
#include <zlib.h>
