/* inventory.c: the implementation of inventory.h (use it as it is: do not edit). */

#include <string.h>

#include "inventory.h"

struct item {
    char name[32];
    category_t category;
    cents_t price;
    int quantity;
};

static struct item items[INV_MAX_ITEMS];
static size_t n_items = 0;

item_id_t inv_add(const char *name, category_t category, cents_t price, int quantity)
{
    struct item *it;

    if (n_items >= INV_MAX_ITEMS)
        return INV_NO_ITEM;
    it = &items[n_items];
    strncpy(it->name, name, sizeof it->name - 1);
    it->name[sizeof it->name - 1] = '\0';
    it->category = category;
    it->price = price;
    it->quantity = quantity;
    return (item_id_t)n_items++;
}

int inv_quantity(item_id_t id)
{
    return id < n_items ? items[id].quantity : -1;
}

cents_t inv_price_with_vat(item_id_t id)
{
    if (id >= n_items)
        return 0;
    return (cents_t)(items[id].price * (1.0 + INV_VAT_RATE) + 0.5);
}

size_t inv_count(category_t category)
{
    size_t i, count = 0;

    for (i = 0; i < n_items; i++)
        if (items[i].category == category)
            count++;
    return count;
}

double inv_stock_value(void)
{
    size_t i;
    double total = 0.0;

    for (i = 0; i < n_items; i++)
        total += (double)items[i].price * items[i].quantity;
    return total / 100.0;
}

void inv_clear(void)
{
    n_items = 0;
}
