"""Right: plain C types of the same size and sign, static const for every constant, a named enum tag."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    static const int INV_MAX_ITEMS;
    static const unsigned int INV_NO_ITEM;
    static const double INV_VAT_RATE;
    typedef unsigned short item_id_t;
    typedef int cents_t;
    typedef enum category { CAT_FOOD = 1, CAT_TOOLS, CAT_TOYS = 10, CAT_BOOKS } category_t;
    unsigned short inv_add(char *name, enum category category, int price, int quantity);
    int inv_quantity(unsigned short id);
    int inv_price_with_vat(item_id_t id);
    unsigned long inv_count(category_t category);
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
