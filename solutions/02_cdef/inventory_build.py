"""Exercise 02_cdef/inventory: declare a C header for Python.

inventory.h, next to this script, is the header of a small C library
(inventory.c is its code). Use both as they are: do not edit them. The
set_source() call below already compiles the library into a module named
``_inventory_cffi``; what is missing is the cdef().

Write the cdef() so that Python can use everything inventory.h offers: its
three constants, its two type names, its enum with all four values, and its
six functions, each with the same types as in the header. cdef() cannot read
the header for you, and it refuses some of what a header may contain.

Grade it:  nox -s grade -- 02_cdef/inventory
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* No include guard, no #include: cdef() has no preprocessor, and knows uint16_t, int32_t, size_t. */
    #define INV_MAX_ITEMS 64
    #define INV_NO_ITEM 0xFFFF
    /* cdef()'s #define takes integers only: the double is a typed constant, its value the compiler's. */
    static const double INV_VAT_RATE;

    /* Types come before the prototypes that use them. */
    typedef uint16_t item_id_t;
    typedef int32_t cents_t;

    typedef enum {
        CAT_FOOD = 1,
        CAT_TOOLS,
        CAT_TOYS = 10,
        CAT_BOOKS
    } category_t;

    /* The prototypes, exactly as in the header. */
    item_id_t inv_add(const char *name, category_t category, cents_t price, int quantity);
    int inv_quantity(item_id_t id);
    cents_t inv_price_with_vat(item_id_t id);
    size_t inv_count(category_t category);
    double inv_stock_value(void);
    void inv_clear(void);
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
