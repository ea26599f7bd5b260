"""Right: `...` wherever the compiler can fill in, three cdef() calls, no parameter names."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef int... item_id_t;
    typedef int... cents_t;
    typedef enum { CAT_FOOD, CAT_TOOLS, CAT_TOYS, CAT_BOOKS, ... } category_t;
""")
ffibuilder.cdef("""
    #define INV_MAX_ITEMS ...
    #define INV_NO_ITEM ...
    static const double INV_VAT_RATE;
""")
ffibuilder.cdef("""
    item_id_t inv_add(const char *, category_t, cents_t, int);
    int inv_quantity(item_id_t);
    cents_t inv_price_with_vat(item_id_t);
    size_t inv_count(category_t);
    double inv_stock_value();
    void inv_clear();
""")

# Given: compile inventory.c into the module and let the compiler find inventory.h
# (lesson 03 explains sources= and include_dirs=).
ffibuilder.set_source(
    "_inventory_cffi",
    '#include "inventory.h"',
    sources=[str(HERE / "inventory.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
