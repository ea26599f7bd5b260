"""Wrong: inv_clear left out."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* The header minus what cdef() cannot take: no include guard, no #include
       (uint16_t, int32_t and size_t are known to cffi without one). */

    /* Integer #defines are copied as they are; cdef()'s #define takes integers only,
       so the VAT rate becomes a constant whose value the compiler supplies. */
    #define INV_MAX_ITEMS 64
    #define INV_NO_ITEM 0xFFFF
    static const double INV_VAT_RATE;

    /* Types are declared before the prototypes that use them. */
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
